package dev.actionqueues.deferred;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link TaskHandle#later} did: pushed a job, or collapsed the call into a waiting job of the
 * same debounce key. Immutable.
 *
 * @param jobId the id of the job that will serve this call: the new job, or the waiting one the
 *     call was debounced into
 * @param debounced true if nothing was pushed because the call was debounced away
 * @param delay the delay of the pushed job; {@link Duration#ZERO} when debounced
 */
public record LaterResult(String jobId, boolean debounced, Duration delay) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if a field is null
     */
    public LaterResult {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(delay, "delay");
    }
}
