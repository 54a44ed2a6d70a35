package dev.actionqueues;

/** Which method of an {@link Action} a queue is calling. */
public enum Phase {
    /** {@link Action#execute()}. */
    EXECUTE,
    /** {@link Action#rollback()}. */
    ROLLBACK
}
