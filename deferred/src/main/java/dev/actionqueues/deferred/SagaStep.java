package dev.actionqueues.deferred;

/**
 * One direction of a saga step: its execute or its compensate. It may run more than once — after a
 * retry, or when a worker died while it ran — so it should be idempotent; pass
 * {@link SagaContext#idempotencyKey()} to the remote API it calls. Throw to fail the attempt:
 * {@link dev.actionqueues.ActionRetryException} asks for another attempt after its backoff, as in
 * an action queue; any other exception is retried as the step's {@link dev.actionqueues.retry.RetryPolicy}
 * says.
 *
 * @param <A> the type of the saga's arguments
 */
@FunctionalInterface
public interface SagaStep<A> {

    /** A step direction that does nothing: for a step with nothing to undo. */
    @SuppressWarnings("rawtypes")
    SagaStep NOTHING = (ctx, args) -> { };

    /**
     * Runs the step.
     *
     * @param ctx the saga, step, attempt, idempotency key and step outputs
     * @param args the saga's arguments
     * @throws Exception to fail this attempt
     */
    void run(SagaContext ctx, A args) throws Exception;

    /**
     * A step direction that does nothing.
     *
     * @param <A> the type of the saga's arguments
     * @return {@link #NOTHING}
     */
    @SuppressWarnings("unchecked")
    static <A> SagaStep<A> nothing() {
        return NOTHING;
    }
}
