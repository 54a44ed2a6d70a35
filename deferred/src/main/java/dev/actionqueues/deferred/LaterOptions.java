package dev.actionqueues.deferred;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Options of one {@code later} call, which take precedence over the task's: when the job runs
 * ({@link #delay(Duration)} or {@link #runAt(Instant)}), how long it may wait ({@link #ttl(Duration)}),
 * which calls it debounces with ({@link #debounceKey(String)}), and its id ({@link #jobId(String)}),
 * which makes the call idempotent. Pass several to one call:
 * {@code remind.later(args, LaterOptions.runAt(nineTomorrow), LaterOptions.jobId("remind-42-2026-11-30"))}.
 *
 * <p>Immutable and thread-safe.
 */
public final class LaterOptions {

    /** The rule for caller-chosen job ids: 1 to 200 of {@code A-Z a-z 0-9 _ . : @ / + = -}. */
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_.:@/+=-]{1,200}");
    private static final LaterOptions NONE = new LaterOptions(null, null, null, null, null);

    private final Duration delay;
    private final Instant runAt;
    private final Duration ttl;
    private final String debounceKey;
    private final String jobId;

    private LaterOptions(Duration delay, Instant runAt, Duration ttl, String debounceKey, String jobId) {
        this.delay = delay;
        this.runAt = runAt;
        this.ttl = ttl;
        this.debounceKey = debounceKey;
        this.jobId = jobId;
    }

    /**
     * Runs the job after {@code delay} instead of the task's delay.
     *
     * @param delay zero or positive, at most the backend's maximum delay (checked by the call)
     * @return the option
     * @throws NullPointerException if {@code delay} is null
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public static LaterOptions delay(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + delay);
        }
        return new LaterOptions(delay, null, null, null, null);
    }

    /**
     * Runs the job at {@code time}, by the Deferrable's clock; a time in the past runs it at once.
     *
     * @param time when the job becomes due
     * @return the option
     * @throws NullPointerException if {@code time} is null
     */
    public static LaterOptions runAt(Instant time) {
        return new LaterOptions(null, Objects.requireNonNull(time, "time"), null, null, null);
    }

    /**
     * Drops the job if it is claimed more than {@code ttl} after this call, instead of the task's TTL.
     *
     * @param ttl positive
     * @return the option
     * @throws NullPointerException if {@code ttl} is null
     * @throws IllegalArgumentException if {@code ttl} is not positive
     */
    public static LaterOptions ttl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must be positive, was " + ttl);
        }
        return new LaterOptions(null, null, ttl, null, null);
    }

    /**
     * Debounces the call under {@code key} instead of its arguments: calls of the task in the group
     * with the same key collapse, whatever their arguments. The task must have a debounce window.
     *
     * @param key the key, not blank
     * @return the option
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is blank
     */
    public static LaterOptions debounceKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isBlank()) {
            throw new IllegalArgumentException("debounceKey must not be blank");
        }
        return new LaterOptions(null, null, null, key, null);
    }

    /**
     * Gives the job this id and makes the call idempotent: while a job with this id is waiting,
     * delayed or running, another call with it stores nothing and returns that job
     * ({@link LaterResult#duplicate()}). This is the way to retry a {@code later} call that failed
     * (a {@link BackendException} may come after the job was stored) without enqueueing it twice.
     * Once the job has finished, the id may be used again. Not with debouncing.
     *
     * @param id 1 to 200 of {@code A-Z a-z 0-9 _ . : @ / + = -}
     * @return the option
     * @throws NullPointerException if {@code id} is null
     * @throws IllegalArgumentException if {@code id} breaks the rule
     */
    public static LaterOptions jobId(String id) {
        Objects.requireNonNull(id, "id");
        if (!JOB_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a job id must match " + JOB_ID.pattern() + ", was '" + id + "'");
        }
        return new LaterOptions(null, null, null, null, id);
    }

    /** Merges the options of one call; each may be given once, and a delay excludes a time. */
    static LaterOptions merge(LaterOptions... options) {
        Objects.requireNonNull(options, "options");
        if (options.length == 0) {
            return NONE;
        }
        LaterOptions m = NONE;
        for (LaterOptions o : options) {
            Objects.requireNonNull(o, "a LaterOptions is null");
            m = new LaterOptions(once(m.delay, o.delay, "delay"), once(m.runAt, o.runAt, "runAt"),
                    once(m.ttl, o.ttl, "ttl"), once(m.debounceKey, o.debounceKey, "debounceKey"),
                    once(m.jobId, o.jobId, "jobId"));
        }
        if (m.delay != null && m.runAt != null) {
            throw new IllegalArgumentException("a call takes a delay or a time to run at, not both");
        }
        return m;
    }

    private static <T> T once(T current, T next, String what) {
        if (current != null && next != null) {
            throw new IllegalArgumentException(what + " given twice in one call");
        }
        return next != null ? next : current;
    }

    Duration delayOrNull() {
        return delay;
    }

    Instant runAtOrNull() {
        return runAt;
    }

    Duration ttlOrNull() {
        return ttl;
    }

    String debounceKeyOrNull() {
        return debounceKey;
    }

    String jobIdOrNull() {
        return jobId;
    }

    @Override
    public String toString() {
        return "LaterOptions[delay=" + delay + ", runAt=" + runAt + ", ttl=" + ttl + ", debounceKey="
                + (debounceKey != null) + ", jobId=" + jobId + "]";
    }
}
