package dev.actionqueues.deferred.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * A job to push: its id (chosen by the engine, unique within the queue), its opaque payload and how
 * long to wait before it becomes available. Immutable.
 *
 * @param id the job id; not blank
 * @param payload the opaque payload stored as given
 * @param delay zero for at once, otherwise how long the job stays delayed
 */
public record NewJob(String id, String payload, Duration delay) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if any field is null
     * @throws IllegalArgumentException if {@code id} is blank or {@code delay} is negative
     */
    public NewJob {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(delay, "delay");
        if (id.isBlank()) {
            throw new IllegalArgumentException("id must not be blank");
        }
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + delay);
        }
    }

    /**
     * A job available at once.
     *
     * @param id the job id
     * @param payload the payload
     * @return the job
     */
    public static NewJob of(String id, String payload) {
        return new NewJob(id, payload, Duration.ZERO);
    }
}
