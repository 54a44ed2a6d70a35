package dev.actionqueues.retry;

/**
 * A monotonic time source in nanoseconds, for measuring how much time has passed (lease deadlines,
 * timeouts); unlike a wall clock it never jumps. Only the difference between two readings means
 * anything. Inject one where code measures elapsed time, so tests can drive it with a fake.
 *
 * <p>Implementations are thread-safe.
 */
@FunctionalInterface
public interface Ticker {

    /**
     * Reads the ticker: nanoseconds since an arbitrary, fixed origin.
     *
     * @return the reading; later readings are never smaller (differences may overflow only after
     *     about 292 years)
     */
    long read();

    /**
     * The JVM's monotonic clock, {@link System#nanoTime()}.
     *
     * @return the system ticker
     */
    static Ticker system() {
        return SystemTicker.INSTANCE;
    }
}
