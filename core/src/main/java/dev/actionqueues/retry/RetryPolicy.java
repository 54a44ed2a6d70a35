package dev.actionqueues.retry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides, purely, whether a failed operation is tried again and after how long: a maximum number
 * of attempts (counting the first), the exception classes that are retried and those that abort at
 * once, a {@link Backoff} for the delays, and an optional limit on the total time spent.
 *
 * <p>A policy never sleeps and never reads a clock: callers pass the failure count and the elapsed
 * time to {@link #decide(int, Throwable, Duration)} and do the waiting themselves. Instances are
 * immutable and thread-safe; build them with {@link #builder()}.
 *
 * <p>Defaults: {@value #DEFAULT_MAX_ATTEMPTS} attempts, every {@link Exception} retried (but no
 * {@link Error}), no backoff, no time limit.
 */
public final class RetryPolicy {

    /** Attempts, counting the first, when {@link Builder#maxAttempts(int)} is not called. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    private final int maxAttempts;
    private final List<Class<? extends Throwable>> retryOn;
    private final List<Class<? extends Throwable>> explicitRetryOn;
    private final List<Class<? extends Throwable>> abortOn;
    private final Backoff backoff;
    private final Duration maxElapsed;

    private RetryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.explicitRetryOn = List.copyOf(b.retryOn);
        this.retryOn = explicitRetryOn.isEmpty() ? List.of(Exception.class) : explicitRetryOn;
        this.abortOn = List.copyOf(b.abortOn);
        this.backoff = b.backoff;
        this.maxElapsed = b.maxElapsed;
    }

    /**
     * A builder with the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder that starts from this policy's settings.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxAttempts = maxAttempts;
        b.retryOn.addAll(explicitRetryOn);
        b.abortOn.addAll(abortOn);
        b.backoff = backoff;
        b.maxElapsed = maxElapsed;
        return b;
    }

    /**
     * A policy that retries every {@link Exception} without limit, waiting {@code backoff} between
     * attempts, so that only a success or an {@link Error} ends it. Use with care.
     *
     * @param backoff the delays between attempts
     * @return the policy
     */
    public static RetryPolicy forever(Backoff backoff) {
        return builder().maxAttempts(Integer.MAX_VALUE).backoff(backoff).build();
    }

    /** Returns the maximum number of attempts, counting the first; 1 means no retry. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Returns the exception classes that are retried (subclasses included). */
    public List<Class<? extends Throwable>> retryOn() {
        return retryOn;
    }

    /** Returns the exception classes that stop retrying at once, even if also in {@link #retryOn()}. */
    public List<Class<? extends Throwable>> abortOn() {
        return abortOn;
    }

    /** Returns the backoff that gives the delay after each failure. */
    public Backoff backoff() {
        return backoff;
    }

    /** Returns the limit on the time from the first attempt to the start of the last, if any. */
    public Optional<Duration> maxElapsed() {
        return Optional.ofNullable(maxElapsed);
    }

    /**
     * Whether {@code failure} is of a class this policy retries at all (ignoring counts and time).
     *
     * @param failure the exception
     * @return true if it is in {@link #retryOn()} and not in {@link #abortOn()}
     */
    public boolean isRetryable(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        return matches(retryOn, failure) && !matches(abortOn, failure);
    }

    /**
     * Decides what follows the {@code failures}-th consecutive failure, ignoring elapsed time.
     *
     * @param failures how many attempts have failed, at least 1
     * @param failure the exception of the last attempt
     * @return retry after a delay, or give up with a reason
     * @throws IllegalArgumentException if {@code failures < 1}
     */
    public RetryDecision decide(int failures, Throwable failure) {
        return decide(failures, failure, Duration.ZERO);
    }

    /**
     * Decides what follows the {@code failures}-th consecutive failure.
     *
     * @param failures how many attempts have failed, at least 1
     * @param failure the exception of the last attempt
     * @param elapsed the time since the first attempt started
     * @return retry after a delay, or give up with a reason
     * @throws IllegalArgumentException if {@code failures < 1} or {@code elapsed} is negative
     */
    public RetryDecision decide(int failures, Throwable failure, Duration elapsed) {
        Backoffs.checkFailures(failures);
        Objects.requireNonNull(failure, "failure");
        Backoffs.nonNegative(elapsed, "elapsed");
        if (matches(abortOn, failure)) {
            return RetryDecision.giveUp("aborted on " + failure.getClass().getName());
        }
        if (!matches(retryOn, failure)) {
            return RetryDecision.giveUp(failure.getClass().getName() + " is not retryable");
        }
        if (failures >= maxAttempts) {
            return RetryDecision.giveUp("gave up after " + failures + " of " + maxAttempts + " attempts");
        }
        Duration delay = backoff.delayAfter(failures);
        if (maxElapsed != null && elapsed.plus(delay).compareTo(maxElapsed) > 0) {
            return RetryDecision.giveUp("next attempt would start after max elapsed time " + maxElapsed);
        }
        return RetryDecision.retryAfter(delay);
    }

    private static boolean matches(List<Class<? extends Throwable>> classes, Throwable failure) {
        for (Class<? extends Throwable> c : classes) {
            if (c.isInstance(failure)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", retryOn=" + retryOn + ", abortOn=" + abortOn
                + ", backoff=" + backoff + ", maxElapsed=" + maxElapsed + "]";
    }

    /**
     * Builds a {@link RetryPolicy}. Each setter validates its argument; {@link #build()} copies the
     * settings, so a builder can be reused. Not thread-safe.
     */
    public static final class Builder {
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private final List<Class<? extends Throwable>> retryOn = new ArrayList<>();
        private final List<Class<? extends Throwable>> abortOn = new ArrayList<>();
        private Backoff backoff = Backoff.none();
        private Duration maxElapsed;

        private Builder() {
        }

        /**
         * Sets the maximum number of attempts, counting the first.
         *
         * @param maxAttempts at least 1; {@link Integer#MAX_VALUE} for no limit
         * @return this builder
         * @throws IllegalArgumentException if {@code maxAttempts < 1}
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * Adds exception classes to retry (subclasses included). When none is added, every
         * {@link Exception} is retried.
         *
         * @param classes the classes
         * @return this builder
         * @throws NullPointerException if a class is null
         */
        @SafeVarargs
        public final Builder retryOn(Class<? extends Throwable>... classes) {
            for (Class<? extends Throwable> c : classes) {
                retryOn.add(Objects.requireNonNull(c, "retryOn class"));
            }
            return this;
        }

        /**
         * Adds exception classes that end retrying at once (subclasses included).
         *
         * @param classes the classes
         * @return this builder
         * @throws NullPointerException if a class is null
         */
        @SafeVarargs
        public final Builder abortOn(Class<? extends Throwable>... classes) {
            for (Class<? extends Throwable> c : classes) {
                abortOn.add(Objects.requireNonNull(c, "abortOn class"));
            }
            return this;
        }

        /**
         * Sets the backoff between attempts.
         *
         * @param backoff the backoff
         * @return this builder
         * @throws NullPointerException if {@code backoff} is null
         */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /**
         * Limits the total time: no attempt is started later than {@code maxElapsed} after the first.
         *
         * @param maxElapsed the limit, positive
         * @return this builder
         * @throws IllegalArgumentException if {@code maxElapsed} is zero or negative
         */
        public Builder maxElapsed(Duration maxElapsed) {
            Objects.requireNonNull(maxElapsed, "maxElapsed");
            if (maxElapsed.isZero() || maxElapsed.isNegative()) {
                throw new IllegalArgumentException("maxElapsed must be positive, was " + maxElapsed);
            }
            this.maxElapsed = maxElapsed;
            return this;
        }

        /**
         * Creates the policy.
         *
         * @return an immutable policy
         */
        public RetryPolicy build() {
            return new RetryPolicy(this);
        }
    }
}
