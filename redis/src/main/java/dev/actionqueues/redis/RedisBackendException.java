package dev.actionqueues.redis;

import dev.actionqueues.ActionQueuesException;

/**
 * A Redis operation failed (server down, timeout, script error). The Lettuce exception is the
 * cause; the message never contains credentials.
 */
public class RedisBackendException extends ActionQueuesException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed
     * @param cause the client's exception
     */
    public RedisBackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
