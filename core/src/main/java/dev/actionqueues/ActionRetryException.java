package dev.actionqueues;

import java.time.Duration;
import java.util.Objects;

/**
 * Thrown by {@link Action#execute()} or {@link Action#rollback()} to ask the queue to call the same
 * method again after {@link #msBackoff()} milliseconds. The queue keeps retrying as long as the
 * action keeps throwing it; the action (or its
 * {@link dev.actionqueues.exceptionfactory.ExceptionFactory}) decides when to stop.
 *
 * <p>Immutable once thrown; safe to share.
 */
public class ActionRetryException extends ActionQueuesException {

    private static final long serialVersionUID = 1L;

    private final long msBackoff;

    /** Retry at once, with no backoff. */
    public ActionRetryException() {
        this(0L);
    }

    /**
     * Retry after {@code msBackoff} milliseconds.
     *
     * @param msBackoff the wait before the next call, in ms
     * @throws IllegalArgumentException if {@code msBackoff} is negative
     */
    public ActionRetryException(long msBackoff) {
        this(msBackoff, null);
    }

    /**
     * Retry after {@code msBackoff} milliseconds, recording why.
     *
     * @param msBackoff the wait before the next call, in ms
     * @param cause the failure that prompted the retry, or null
     * @throws IllegalArgumentException if {@code msBackoff} is negative
     */
    public ActionRetryException(long msBackoff, Throwable cause) {
        super("retry requested after " + checked(msBackoff) + " ms", cause);
        this.msBackoff = msBackoff;
    }

    /**
     * Retry after {@code backoff}.
     *
     * @param backoff the wait before the next call; millisecond precision
     * @throws IllegalArgumentException if {@code backoff} is negative
     * @throws NullPointerException if {@code backoff} is null
     */
    public ActionRetryException(Duration backoff) {
        this(toMillis(backoff), null);
    }

    /**
     * Retry after {@code backoff}, recording why.
     *
     * @param backoff the wait before the next call; millisecond precision
     * @param cause the failure that prompted the retry, or null
     * @throws IllegalArgumentException if {@code backoff} is negative
     */
    public ActionRetryException(Duration backoff, Throwable cause) {
        this(toMillis(backoff), cause);
    }

    /** Returns the wait before the next call, in milliseconds; never negative. */
    public long msBackoff() {
        return msBackoff;
    }

    /** Returns the wait before the next call. */
    public Duration backoff() {
        return Duration.ofMillis(msBackoff);
    }

    private static long checked(long msBackoff) {
        if (msBackoff < 0) {
            throw new IllegalArgumentException("msBackoff must not be negative, was " + msBackoff);
        }
        return msBackoff;
    }

    private static long toMillis(Duration backoff) {
        Objects.requireNonNull(backoff, "backoff");
        if (backoff.isNegative()) {
            throw new IllegalArgumentException("backoff must not be negative, was " + backoff);
        }
        try {
            return backoff.toMillis();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
