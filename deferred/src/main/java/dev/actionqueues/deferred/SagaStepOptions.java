package dev.actionqueues.deferred;

import dev.actionqueues.retry.Backoff;
import dev.actionqueues.retry.RetryPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * How one saga step runs: the retry policies of its execute and its compensate, how long one
 * attempt may take, and whether its execute is idempotent (safe to run again after a crash left
 * it started but not finished; otherwise such a step is compensated). Immutable.
 */
public final class SagaStepOptions {

    /** Execute: 3 attempts, exponential backoff from 1 s; compensate: 10 attempts, from 1 s. */
    public static final SagaStepOptions DEFAULTS = builder().build();

    private final RetryPolicy executeRetry;
    private final RetryPolicy compensateRetry;
    private final Duration timeout;
    private final boolean idempotent;

    private SagaStepOptions(Builder b) {
        this.executeRetry = b.executeRetry;
        this.compensateRetry = b.compensateRetry;
        this.timeout = b.timeout;
        this.idempotent = b.idempotent;
    }

    /**
     * A builder with the defaults.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the execute's retry policy */
    public RetryPolicy executeRetry() {
        return executeRetry;
    }

    /** @return the compensate's retry policy */
    public RetryPolicy compensateRetry() {
        return compensateRetry;
    }

    /** @return how long one attempt may take */
    public Duration timeout() {
        return timeout;
    }

    /** @return whether the execute may run again after a crash instead of being compensated */
    public boolean idempotent() {
        return idempotent;
    }

    @Override
    public String toString() {
        return "SagaStepOptions[execute=" + executeRetry + ", compensate=" + compensateRetry + ", timeout=" + timeout
                + ", idempotent=" + idempotent + "]";
    }

    /** Builds {@link SagaStepOptions}. Not thread-safe. */
    public static final class Builder {

        private RetryPolicy executeRetry = RetryPolicy.builder().maxAttempts(3)
                .backoff(Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(1))).build();
        private RetryPolicy compensateRetry = RetryPolicy.builder().maxAttempts(10)
                .backoff(Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(5))).build();
        private Duration timeout = Duration.ofMinutes(5);
        private boolean idempotent;

        private Builder() {
        }

        /**
         * The execute's retry policy.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder executeRetry(RetryPolicy policy) {
            this.executeRetry = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The compensate's retry policy.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder compensateRetry(RetryPolicy policy) {
            this.compensateRetry = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * How long one attempt may take (5 minutes unless set); a longer one is interrupted and
         * fails. The runner renews the saga's lease meanwhile, so no other runner takes the saga.
         *
         * @param timeout between 1 ms and 1 day
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("timeout must be between 1 ms and 1 day, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Marks the execute idempotent: if a worker died while it ran, it is run again rather than
         * compensated.
         *
         * @param idempotent whether it is
         * @return this builder
         */
        public Builder idempotent(boolean idempotent) {
            this.idempotent = idempotent;
            return this;
        }

        /** @return the options */
        public SagaStepOptions build() {
            return new SagaStepOptions(this);
        }
    }
}
