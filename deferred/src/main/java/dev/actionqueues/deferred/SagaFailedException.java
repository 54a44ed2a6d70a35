package dev.actionqueues.deferred;

import java.util.Objects;

/**
 * Thrown by {@link SagaHandle#run(Object)} when the saga did not succeed: it was compensated,
 * cancelled, or its compensation failed. The view says which, with the journal.
 */
public class SagaFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient SagaView saga;

    /**
     * @param saga the saga as it ended
     */
    public SagaFailedException(SagaView saga) {
        super("saga " + saga.name() + " " + saga.id() + " ended " + saga.status()
                + (saga.error() == null ? "" : ": " + saga.error()));
        this.saga = Objects.requireNonNull(saga, "saga");
    }

    /**
     * The saga as it ended.
     *
     * @return the view
     */
    public SagaView saga() {
        return saga;
    }
}
