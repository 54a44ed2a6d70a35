package dev.actionqueues.retry;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Says how long to wait after a given number of consecutive failures. A backoff is a pure
 * function of the failure count: it holds no state, never sleeps and is safe to share between
 * threads and between the retry loops of many tasks. The runners (action queues, the sequential
 * executor, the deferred-job worker) do the waiting.
 *
 * <p>Every factory here returns delays that never overflow: a huge failure count yields the cap.
 */
@FunctionalInterface
public interface Backoff {

    /**
     * The delay to wait after the {@code failures}-th consecutive failure, before the next attempt.
     *
     * @param failures how many attempts have failed so far; at least 1
     * @return the delay, never negative
     * @throws IllegalArgumentException if {@code failures < 1}
     */
    Duration delayAfter(int failures);

    /**
     * No wait at all between attempts.
     *
     * @return a backoff that always answers {@link Duration#ZERO}
     */
    static Backoff none() {
        return constant(Duration.ZERO);
    }

    /**
     * The same delay after every failure.
     *
     * @param delay the delay, zero or positive
     * @return a constant backoff
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    static Backoff constant(Duration delay) {
        return new Backoffs.Linear(delay, Duration.ZERO, delay);
    }

    /**
     * {@code initial}, then {@code initial + increment}, {@code initial + 2·increment}, …, capped at
     * {@code max}. The first delay is {@code initial} even when it exceeds {@code max}.
     *
     * @param initial the first delay
     * @param increment added after each further failure
     * @param max the cap
     * @return a linear backoff
     * @throws IllegalArgumentException if any argument is negative
     */
    static Backoff linear(Duration initial, Duration increment, Duration max) {
        return new Backoffs.Linear(initial, increment, max);
    }

    /**
     * {@code initial}, doubling after each failure, capped at {@code max}: with 10 ms and 30 s,
     * 10, 20, 40, …, 10240, 20480 ms, then 30 s.
     *
     * @param initial the first delay, positive
     * @param max the cap, at least {@code initial}
     * @return an exponential backoff with multiplier 2
     * @throws IllegalArgumentException if {@code initial} is not positive or {@code max < initial}
     */
    static Backoff exponential(Duration initial, Duration max) {
        return exponential(initial, max, 2.0);
    }

    /**
     * {@code initial · multiplier^(failures-1)}, capped at {@code max}.
     *
     * @param initial the first delay, positive
     * @param max the cap, at least {@code initial}
     * @param multiplier the growth factor, greater than 1
     * @return an exponential backoff
     * @throws IllegalArgumentException if {@code initial} is not positive, {@code max < initial}
     *     or {@code multiplier <= 1}
     */
    static Backoff exponential(Duration initial, Duration max, double multiplier) {
        return new Backoffs.Exponential(initial, max, multiplier);
    }

    /**
     * This backoff with random jitter from a thread-safe default source: each delay {@code d}
     * becomes a uniform value in {@code [d·(1-ratio), d·(1+ratio)]}.
     *
     * @param ratio the relative spread, in {@code [0, 1]}
     * @return the jittered backoff
     * @throws IllegalArgumentException if {@code ratio} is outside {@code [0, 1]}
     */
    default Backoff withJitter(double ratio) {
        return withJitter(ratio, RandomGenerator.getDefault());
    }

    /**
     * This backoff with random jitter drawn from {@code random}: each delay {@code d} becomes a
     * uniform value in {@code [d·(1-ratio), d·(1+ratio)]}. Pass a seeded generator to make the
     * sequence repeatable in a test; the generator must be thread-safe if the backoff is shared.
     *
     * @param ratio the relative spread, in {@code [0, 1]}
     * @param random the source of randomness
     * @return the jittered backoff
     * @throws IllegalArgumentException if {@code ratio} is outside {@code [0, 1]}
     */
    default Backoff withJitter(double ratio, RandomGenerator random) {
        return new Backoffs.Jitter(this, ratio, random);
    }

    /**
     * This backoff with every delay limited to {@code max}.
     *
     * @param max the largest delay to return
     * @return the capped backoff
     * @throws IllegalArgumentException if {@code max} is negative
     */
    default Backoff withMax(Duration max) {
        Duration cap = Backoffs.nonNegative(max, "max");
        Backoff base = this;
        return failures -> {
            Duration d = base.delayAfter(failures);
            return d.compareTo(cap) > 0 ? cap : d;
        };
    }
}
