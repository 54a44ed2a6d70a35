package dev.actionqueues.exceptionfactory;

import dev.actionqueues.ActionQueuesException;

/**
 * Thrown by an {@link ExceptionFactory} when its retries are used up and it was given neither a
 * final exception nor the original failure. Immutable once thrown.
 */
public class RetriesExhaustedException extends ActionQueuesException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message says how many retries ran out
     */
    public RetriesExhaustedException(String message) {
        super(message);
    }
}
