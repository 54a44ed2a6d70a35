package dev.actionqueues.retry;

import java.time.Duration;
import java.util.Objects;

/**
 * Waits for a duration. Everything in actionqueues that waits between attempts waits through a
 * {@code Sleeper}, so tests can substitute a fake that records each wait and returns at once.
 *
 * <p>Implementations must throw {@link InterruptedException} when the calling thread is
 * interrupted, before or during the wait, as {@link Thread#sleep(long)} does; callers rely on it
 * to stop retrying. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Sleeper {

    /**
     * Blocks the calling thread for {@code duration}.
     *
     * @param duration how long to wait; zero returns at once (after checking for an interrupt)
     * @throws InterruptedException if the thread is interrupted before or while waiting
     */
    void sleep(Duration duration) throws InterruptedException;

    /**
     * The real sleeper: {@link Thread#sleep(Duration)}, which parks a virtual thread without
     * pinning its carrier. A zero or negative duration only checks the interrupt flag.
     *
     * @return the system sleeper
     */
    static Sleeper system() {
        return SystemSleeper.INSTANCE;
    }
}

/** The default sleeper, kept package-private: callers use {@link Sleeper#system()}. */
enum SystemSleeper implements Sleeper {
    INSTANCE;

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        Objects.requireNonNull(duration, "duration");
        if (duration.isZero() || duration.isNegative()) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted before a zero-length wait");
            }
            return;
        }
        Thread.sleep(duration);
    }

    @Override
    public String toString() {
        return "Sleeper.system()";
    }
}
