package dev.actionqueues.deferred.spi;

import dev.actionqueues.deferred.BackendException;

/**
 * Creates the {@link Backend} of a group. A factory holds the connection to a broker; the backends
 * it creates share it. Calling {@link #createBackendForGroup(String)} twice with the same group
 * returns backends over the same queues, so a producer and a consumer built separately meet.
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface BackendFactory {

    /**
     * The backend of {@code group}; groups never share jobs.
     *
     * @param group the group name; each factory documents the names it accepts
     * @return the backend
     * @throws NullPointerException if {@code group} is null
     * @throws IllegalArgumentException if the factory does not accept the name
     * @throws BackendException if the broker could not be reached to create the queues
     */
    Backend createBackendForGroup(String group);
}
