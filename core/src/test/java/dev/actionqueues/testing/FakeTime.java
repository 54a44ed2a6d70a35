package dev.actionqueues.testing;

import dev.actionqueues.retry.Sleeper;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A clock and a sleeper on fake time for tests: {@link #sleep(Duration)} records the wait and moves
 * the clock forward at once, so a backoff sequence can be asserted exactly without waiting. Like
 * {@link Thread#sleep}, it throws {@link InterruptedException} (clearing the flag) when the calling
 * thread is interrupted. Thread-safe.
 */
public final class FakeTime implements InstantSource, Sleeper {

    private final ReentrantLock lock = new ReentrantLock();
    private final List<Duration> sleeps = new ArrayList<>();
    private Instant now;

    public FakeTime() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    public FakeTime(Instant start) {
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

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("fake sleep interrupted");
        }
        lock.lock();
        try {
            sleeps.add(duration);
            now = now.plus(duration);
        } finally {
            lock.unlock();
        }
    }

    /** Moves the clock forward without recording a sleep. */
    public void advance(Duration duration) {
        lock.lock();
        try {
            now = now.plus(duration);
        } finally {
            lock.unlock();
        }
    }

    /** @return every wait requested so far, in order */
    public List<Duration> sleeps() {
        lock.lock();
        try {
            return List.copyOf(sleeps);
        } finally {
            lock.unlock();
        }
    }

    /** @return the waits requested so far, in milliseconds */
    public List<Long> sleepsMillis() {
        return sleeps().stream().map(Duration::toMillis).toList();
    }
}
