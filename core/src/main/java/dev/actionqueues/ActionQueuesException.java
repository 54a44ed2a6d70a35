package dev.actionqueues;

/**
 * The base class of every unchecked exception that actionqueues throws on its own account
 * (misuse of an API is reported with the JDK's {@link IllegalArgumentException},
 * {@link IllegalStateException} and {@link NullPointerException} instead). Immutable once thrown.
 */
public class ActionQueuesException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with a message.
     *
     * @param message what went wrong
     */
    public ActionQueuesException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a message and the failure that caused it.
     *
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public ActionQueuesException(String message, Throwable cause) {
        super(message, cause);
    }
}
