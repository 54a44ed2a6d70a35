package dev.actionqueues.deferred;

import dev.actionqueues.deferred.spi.QueueCapabilities;
import dev.actionqueues.retry.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How a task's jobs are scheduled and retried: attempts, retried exception classes, backoff, a
 * delay, a TTL and debouncing. Options left unset take the {@link Deferrable}'s defaults. The
 * durations may be fixed or suppliers evaluated once per {@code later} call (like the ported
 * library's callables). Immutable; build with {@link #builder()}.
 */
public final class TaskOptions {

    /** Options with every default. */
    public static final TaskOptions DEFAULTS = builder().build();

    private final Integer maxAttempts;
    private final List<Class<? extends Throwable>> retryOn;
    private final Backoff backoff;
    private final Supplier<Duration> delay;
    private final Supplier<Duration> ttl;
    private final Supplier<Duration> debounce;
    private final boolean debounceAlwaysDelay;

    private TaskOptions(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.retryOn = b.retryOn == null ? null : List.copyOf(b.retryOn);
        this.backoff = b.backoff;
        this.delay = b.delay;
        this.ttl = b.ttl;
        this.debounce = b.debounce;
        this.debounceAlwaysDelay = b.debounceAlwaysDelay;
    }

    /** Returns a builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the executions allowed in total, if set. */
    public Optional<Integer> maxAttempts() {
        return Optional.ofNullable(maxAttempts);
    }

    /** Returns the retried exception classes, if set (an empty list: never retry). */
    public Optional<List<Class<? extends Throwable>>> retryOn() {
        return Optional.ofNullable(retryOn);
    }

    /** Returns the backoff between attempts, if set. */
    public Optional<Backoff> backoff() {
        return Optional.ofNullable(backoff);
    }

    Supplier<Duration> delaySupplier() {
        return delay;
    }

    Supplier<Duration> ttlSupplier() {
        return ttl;
    }

    Supplier<Duration> debounceSupplier() {
        return debounce;
    }

    /** Returns whether debouncing always delays (no leading-edge run). */
    public boolean debounceAlwaysDelay() {
        return debounceAlwaysDelay;
    }

    /**
     * Checks the delay, debounce window and TTL of one {@code later} call.
     *
     * @throws IllegalArgumentException on a negative value, or a delay or window longer than the TTL
     */
    static void checkCall(Duration delay, Duration debounce, Duration ttl) {
        for (Duration d : new Duration[] {delay, debounce, ttl}) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("delay, debounce window and TTL must not be negative, was " + d);
            }
        }
        if (!ttl.isZero() && (delay.compareTo(ttl) > 0 || debounce.compareTo(ttl) > 0)) {
            throw new IllegalArgumentException("the delay (" + delay + ") and the debounce window (" + debounce
                    + ") must not exceed the TTL (" + ttl + ")");
        }
    }

    /**
     * Checks a delay or debounce window against the longest delay the backend can hold.
     *
     * @throws IllegalArgumentException if it is longer
     */
    static void checkMaxDelay(Duration d, QueueCapabilities capabilities) {
        Duration max = capabilities.maxDelay();
        if (d.compareTo(max) > 0) {
            throw new IllegalArgumentException("a delay or debounce window of " + d
                    + " is longer than the backend can hold (" + max + ")");
        }
    }

    @Override
    public String toString() {
        return "TaskOptions[maxAttempts=" + maxAttempts + ", retryOn=" + retryOn + ", backoff=" + backoff
                + ", delay=" + (delay != null) + ", ttl=" + (ttl != null) + ", debounce=" + (debounce != null)
                + ", debounceAlwaysDelay=" + debounceAlwaysDelay + "]";
    }

    static Optional<Duration> fixedValue(Supplier<Duration> s) {
        return s instanceof Fixed f ? Optional.of(f.value()) : Optional.empty();
    }

    /** Constant suppliers are recognisable, so fixed values can be validated at build time. */
    private record Fixed(Duration value) implements Supplier<Duration> {
        @Override
        public Duration get() {
            return value;
        }
    }

    /**
     * Builds {@link TaskOptions}. Each setter validates its argument, {@link #build()} the rules
     * across them; {@code build()} copies, so a builder can be reused. Not thread-safe.
     */
    public static final class Builder {
        private Integer maxAttempts;
        private List<Class<? extends Throwable>> retryOn;
        private Backoff backoff;
        private Supplier<Duration> delay;
        private Supplier<Duration> ttl;
        private Supplier<Duration> debounce;
        private boolean debounceAlwaysDelay;

        private Builder() {
        }

        /**
         * Sets how many times a job may run in total, counting the first run; 1 means no
         * retry.
         *
         * @param maxAttempts at least 1
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
         * Sets the exception classes that are retried (subclasses included); any other exception
         * sends the job to the error queue at once. No classes at all means never retry.
         *
         * @param classes the classes
         * @return this builder
         * @throws NullPointerException if a class is null
         */
        @SafeVarargs
        public final Builder retryOn(Class<? extends Throwable>... classes) {
            List<Class<? extends Throwable>> list = new ArrayList<>();
            for (Class<? extends Throwable> c : classes) {
                list.add(Objects.requireNonNull(c, "retryOn class"));
            }
            this.retryOn = list;
            return this;
        }

        /**
         * Sets the delay before each retry, from the number of failures so far.
         *
         * @param backoff the backoff; {@link Backoff#none()} retries at once
         * @return this builder
         * @throws NullPointerException if {@code backoff} is null
         */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /**
         * Delays every job of the task by {@code delay}.
         *
         * @param delay zero or positive
         * @return this builder
         * @throws IllegalArgumentException if {@code delay} is negative
         */
        public Builder delay(Duration delay) {
            this.delay = fixed(delay, "delay");
            return this;
        }

        /**
         * Delays every job by the value {@code delay} gives at each {@code later} call.
         *
         * @param delay evaluated once per call
         * @return this builder
         * @throws NullPointerException if {@code delay} is null
         */
        public Builder delay(Supplier<Duration> delay) {
            this.delay = Objects.requireNonNull(delay, "delay");
            return this;
        }

        /**
         * Drops jobs that are claimed more than {@code ttl} after their {@code later} call (strictly
         * more; retries keep the original time). Zero means no TTL.
         *
         * @param ttl zero or positive
         * @return this builder
         * @throws IllegalArgumentException if {@code ttl} is negative
         */
        public Builder ttl(Duration ttl) {
            this.ttl = fixed(ttl, "ttl");
            return this;
        }

        /**
         * A TTL evaluated once per {@code later} call.
         *
         * @param ttl the supplier
         * @return this builder
         * @throws NullPointerException if {@code ttl} is null
         */
        public Builder ttl(Supplier<Duration> ttl) {
            this.ttl = Objects.requireNonNull(ttl, "ttl");
            return this;
        }

        /**
         * Debounces calls with the same key within {@code window} (leading mode): a call when no job
         * of the key is waiting runs at once, or one window after the key's last run started if that
         * is later; a call made while the key's job is still waiting (not yet started) collapses into
         * that job. So three calls before the first job starts give one run, and a call made after a
         * run started gives one more run, at least a window after it. Every call is followed by a
         * run that starts after it. See {@link #debounceAlwaysDelay(boolean)} for the other mode.
         *
         * @param window zero (no debouncing) or positive
         * @return this builder
         * @throws IllegalArgumentException if {@code window} is negative
         */
        public Builder debounce(Duration window) {
            this.debounce = fixed(window, "debounce window");
            return this;
        }

        /**
         * A debounce window evaluated once per {@code later} call.
         *
         * @param window the supplier
         * @return this builder
         * @throws NullPointerException if {@code window} is null
         */
        public Builder debounce(Supplier<Duration> window) {
            this.debounce = Objects.requireNonNull(window, "window");
            return this;
        }

        /**
         * With true, the first call schedules a run one window later and calls before that run
         * starts collapse into it; there is no leading-edge run.
         *
         * @param alwaysDelay the mode
         * @return this builder
         */
        public Builder debounceAlwaysDelay(boolean alwaysDelay) {
            this.debounceAlwaysDelay = alwaysDelay;
            return this;
        }

        /**
         * Creates the options.
         *
         * @return the options
         * @throws IllegalArgumentException if both a delay and a debounce window are set; if
         *     always-delay is set without a debounce window; or if a fixed delay or window exceeds a
         *     fixed TTL (equal is allowed)
         */
        public TaskOptions build() {
            if (isSet(delay) && isSet(debounce)) {
                throw new IllegalArgumentException(
                        "You cannot delay and debounce at the same time (debounce uses delay internally).");
            }
            if (debounceAlwaysDelay && !isSet(debounce)) {
                throw new IllegalArgumentException(
                        "debounceAlwaysDelay is an option of debounce, which was not set. Probably a mistake.");
            }
            if (delay instanceof Fixed d1 && ttl instanceof Fixed t && debounce == null) {
                checkCall(d1.value(), Duration.ZERO, t.value());
            }
            if (debounce instanceof Fixed w && ttl instanceof Fixed t && delay == null) {
                checkCall(Duration.ZERO, w.value(), t.value());
            }
            return new TaskOptions(this);
        }

        private static boolean isSet(Supplier<Duration> s) {
            return s != null && !(s instanceof Fixed f && f.value().isZero());
        }

        private static Fixed fixed(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative, was " + d);
            }
            return new Fixed(d);
        }
    }
}
