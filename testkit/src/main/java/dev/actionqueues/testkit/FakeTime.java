package dev.actionqueues.testkit;

import dev.actionqueues.retry.Sleeper;
import dev.actionqueues.retry.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A clock, a monotonic ticker and a sleeper on fake time, for tests: the clock stands still until the test calls
 * {@link #advance(Duration)}, and {@link #sleep(Duration)} records the wait and moves the clock
 * forward at once, so backoff sequences, TTLs, delays, debounce windows and leases can be asserted
 * exactly without waiting. Like {@link Thread#sleep}, {@code sleep} throws
 * {@link InterruptedException} (clearing the flag) when the calling thread is interrupted.
 *
 * <p>Thread-safe.
 */
public final class FakeTime implements InstantSource, Sleeper, Ticker {

    /** Where a {@code FakeTime} created with {@link #FakeTime()} starts. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    private final ReentrantLock lock = new ReentrantLock();
    private final List<Duration> sleeps = new ArrayList<>();
    private final Instant start;
    private Instant now;

    /** Fake time starting at {@link #DEFAULT_START}. */
    public FakeTime() {
        this(DEFAULT_START);
    }

    /**
     * Fake time starting at {@code start}.
     *
     * @param start the first instant
     * @throws NullPointerException if {@code start} is null
     */
    public FakeTime(Instant start) {
        this.start = Objects.requireNonNull(start, "start");
        this.now = start;
    }

    @Override
    public Instant instant() {
        lock.lock();
        try {
            return now;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads the monotonic side of the fake time: the nanoseconds it has moved since it started. It
     * moves with {@link #advance(Duration)} and {@link #sleep(Duration)}, together with
     * {@link #instant()}.
     *
     * @return nanoseconds since the start
     */
    @Override
    public long read() {
        lock.lock();
        try {
            return Duration.between(start, now).toNanos();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records the wait and moves the clock forward by it, without blocking.
     *
     * @param duration the wait; a negative one is recorded and does not move the clock
     * @throws NullPointerException if {@code duration} is null
     * @throws InterruptedException if the thread is interrupted (the flag is cleared)
     */
    @Override
    public void sleep(Duration duration) throws InterruptedException {
        Objects.requireNonNull(duration, "duration");
        if (Thread.interrupted()) {
            throw new InterruptedException("fake sleep interrupted");
        }
        lock.lock();
        try {
            sleeps.add(duration);
            if (!duration.isNegative()) {
                now = now.plus(duration);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves the clock forward without recording a sleep.
     *
     * @param duration how far, zero or positive
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public void advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time only moves forward, was " + duration);
        }
        lock.lock();
        try {
            now = now.plus(duration);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns every wait requested through {@link #sleep(Duration)} so far, in order.
     *
     * @return an immutable copy
     */
    public List<Duration> sleeps() {
        lock.lock();
        try {
            return List.copyOf(sleeps);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the waits requested through {@link #sleep(Duration)} so far, in whole milliseconds
     * (truncated), in order: the short form for asserting a backoff sequence.
     *
     * @return an immutable list
     */
    public List<Long> sleepsMillis() {
        return sleeps().stream().map(Duration::toMillis).toList();
    }

    @Override
    public String toString() {
        return "FakeTime[" + instant() + "]";
    }
}
