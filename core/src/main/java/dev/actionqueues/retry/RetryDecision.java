package dev.actionqueues.retry;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link RetryPolicy} decided after a failure: retry after {@link #delay()}, or give up for
 * the stated {@link #reason()}. Immutable.
 *
 * @param retry whether another attempt should be made
 * @param delay how long to wait before it; {@link Duration#ZERO} when giving up
 * @param reason why the policy gave up, or {@code "retry"} when it did not
 */
public record RetryDecision(boolean retry, Duration delay, String reason) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if {@code delay} or {@code reason} is null
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public RetryDecision {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(reason, "reason");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + delay);
        }
    }

    /**
     * A decision to retry after {@code delay}.
     *
     * @param delay the wait before the next attempt
     * @return the decision
     */
    public static RetryDecision retryAfter(Duration delay) {
        return new RetryDecision(true, delay, "retry");
    }

    /**
     * A decision to stop retrying.
     *
     * @param reason why, for logs and error reports
     * @return the decision
     */
    public static RetryDecision giveUp(String reason) {
        return new RetryDecision(false, Duration.ZERO, reason);
    }
}
