package dev.actionqueues.deferred;

import dev.actionqueues.ActionQueuesException;

/**
 * A backend could not carry out an operation: the broker is unreachable, timed out or answered with
 * an error. Backends wrap their vendor exceptions (Lettuce, the AWS SDK, {@code SQLException}) in
 * this type, so nothing vendor-specific crosses the SPI. Unless the operation documents otherwise,
 * its effect is unknown: it may or may not have happened. Never carries secrets in its message.
 */
public class BackendException extends ActionQueuesException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception for a failed backend call.
     *
     * @param message what failed, without secrets
     */
    public BackendException(String message) {
        super(message);
    }

    /**
     * Creates an exception for a failed backend call, wrapping the vendor's exception.
     *
     * @param message what failed, without secrets
     * @param cause the vendor exception
     */
    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
