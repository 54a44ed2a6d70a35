package dev.actionqueues.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/** The implementations behind {@link Backoff}'s factories; immutable and thread-safe. */
final class Backoffs {

    private Backoffs() {
    }

    /** Checks a failure count passed to {@link Backoff#delayAfter(int)}; returns it. */
    static int checkFailures(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be >= 1, was " + failures);
        }
        return failures;
    }

    static Duration nonNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + d);
        }
        return d;
    }

    /** Saturating conversion: durations past ~292 years are clamped to Long.MAX_VALUE nanos. */
    static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    record Linear(Duration initial, Duration increment, Duration max) implements Backoff {
        Linear {
            nonNegative(initial, "initial");
            nonNegative(increment, "increment");
            nonNegative(max, "max");
        }

        @Override
        public Duration delayAfter(int failures) {
            Backoffs.checkFailures(failures);
            if (failures == 1 || increment.isZero()) {
                return initial;
            }
            long base = nanos(initial);
            long step = nanos(increment);
            long cap = nanos(max);
            long steps = failures - 1L;
            // initial + steps * increment, saturating, then capped (but never below initial).
            long added = step > 0 && steps > (Long.MAX_VALUE - base) / step ? Long.MAX_VALUE : base + steps * step;
            long result = Math.max(base, Math.min(added, cap));
            return Duration.ofNanos(result);
        }
    }

    record Exponential(Duration initial, Duration max, double multiplier) implements Backoff {
        Exponential {
            Objects.requireNonNull(initial, "initial");
            Objects.requireNonNull(max, "max");
            if (initial.isZero() || initial.isNegative()) {
                throw new IllegalArgumentException("initial must be positive, was " + initial);
            }
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("max (" + max + ") must be >= initial (" + initial + ")");
            }
            if (!(multiplier > 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("multiplier must be a finite number > 1, was " + multiplier);
            }
        }

        @Override
        public Duration delayAfter(int failures) {
            Backoffs.checkFailures(failures);
            long cap = nanos(max);
            double value = nanos(initial) * Math.pow(multiplier, failures - 1.0);
            // Exact powers of two stay exact in a double, so 10 ms * 2^11 is exactly 20480 ms.
            if (!(value < cap)) {
                return max;
            }
            return Duration.ofNanos(Math.round(value));
        }
    }

    record Jitter(Backoff base, double ratio, RandomGenerator random) implements Backoff {
        Jitter {
            Objects.requireNonNull(base, "base");
            Objects.requireNonNull(random, "random");
            if (!(ratio >= 0.0 && ratio <= 1.0)) {
                throw new IllegalArgumentException("jitter ratio must be within [0, 1], was " + ratio);
            }
        }

        @Override
        public Duration delayAfter(int failures) {
            Duration d = base.delayAfter(failures);
            if (ratio == 0.0 || d.isZero()) {
                return d;
            }
            double nanos = nanos(d);
            double factor = 1.0 - ratio + 2.0 * ratio * random.nextDouble();
            double jittered = nanos * factor;
            return Duration.ofNanos(jittered >= Long.MAX_VALUE ? Long.MAX_VALUE : Math.round(jittered));
        }
    }
}
