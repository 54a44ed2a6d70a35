package dev.actionqueues.deferred;

/** Where a durable saga stands. {@link #isTerminal()} statuses are final (until an operator acts). */
public enum SagaStatus {
    /** Its steps are being executed, forwards. */
    RUNNING,
    /** Every step executed. */
    SUCCEEDED,
    /** A step failed for good (or it was cancelled, or its deadline passed): undoing what ran. */
    COMPENSATING,
    /** Everything that ran was undone after a failure or a passed deadline. */
    COMPENSATED,
    /** A compensation failed for good; see the journal. {@link Sagas#retryCompensation} tries again. */
    COMPENSATION_FAILED,
    /** Cancelled, and everything that ran was undone. */
    CANCELLED;

    /**
     * Whether the saga is over: nothing advances it any more.
     *
     * @return true for SUCCEEDED, COMPENSATED, COMPENSATION_FAILED and CANCELLED
     */
    public boolean isTerminal() {
        return this != RUNNING && this != COMPENSATING;
    }
}
