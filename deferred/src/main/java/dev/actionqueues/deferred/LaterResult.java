package dev.actionqueues.deferred;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link TaskHandle#later} did: pushed a job, collapsed the call into a waiting job of the
 * same debounce key, or found a live job with the call's {@link LaterOptions#jobId(String) job id}.
 * Immutable.
 *
 * @param jobId the id of the job that will serve this call: the new job, the waiting one the call
 *     was debounced into, or the live one holding the call's job id
 * @param debounced true if nothing was pushed because the call was debounced away
 * @param delay the delay of the pushed job; {@link Duration#ZERO} when nothing was pushed
 * @param duplicate true if nothing was pushed because a job with the call's job id is live
 */
public record LaterResult(String jobId, boolean debounced, Duration delay, boolean duplicate) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if a field is null
     */
    public LaterResult {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(delay, "delay");
    }

    /**
     * A result that is not a duplicate.
     *
     * @param jobId the id of the job that will serve this call
     * @param debounced true if nothing was pushed because the call was debounced away
     * @param delay the delay of the pushed job; {@link Duration#ZERO} when debounced
     */
    public LaterResult(String jobId, boolean debounced, Duration delay) {
        this(jobId, debounced, delay, false);
    }

    /** Returns whether this call stored a new job. */
    public boolean pushed() {
        return !debounced && !duplicate;
    }
}
