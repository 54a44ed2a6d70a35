package dev.actionqueues.deferred;

/**
 * The code a task runs for one job, given the job's arguments as decoded from JSON. It may throw:
 * exceptions of the task's retry classes are retried, any other sends the job to the error queue.
 * An {@link Error} counts the same ({@link AssertionError}, {@link LinkageError},
 * {@link StackOverflowError}: retried only if its class is listed), except the other
 * {@link VirtualMachineError}s ({@link OutOfMemoryError}, {@link InternalError}, ...): the job is
 * given back, no attempt counted, and the error rethrown by {@link Deferrable#runOnce()} (a
 * {@link Worker} logs it at ERROR and goes on after its error backoff).
 * Called on the consumer's thread; may be called concurrently by a multi-threaded worker, and more
 * than once for the same job (delivery is at-least-once), so it should be idempotent.
 *
 * @param <A> the type of the arguments
 */
@FunctionalInterface
public interface TaskHandler<A> {

    /**
     * Runs the job.
     *
     * @param arguments the arguments given to {@code later}, decoded; null if null was given
     * @throws Exception to fail this attempt
     */
    void run(A arguments) throws Exception;
}
