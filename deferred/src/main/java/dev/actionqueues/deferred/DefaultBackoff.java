package dev.actionqueues.deferred;

import dev.actionqueues.retry.Backoff;
import java.time.Duration;

/** {@link Deferrable#DEFAULT_BACKOFF}: {@code min(2 + 2^failures, 900)} seconds. Stateless. */
enum DefaultBackoff implements Backoff {
    INSTANCE;

    @Override
    public Duration delayAfter(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be >= 1, was " + failures);
        }
        return failures >= 10 ? Duration.ofSeconds(900) : Duration.ofSeconds(Math.min(2 + (1L << failures), 900));
    }

    @Override
    public String toString() {
        return "Backoff.default[min(2 + 2^failures, 900) s]";
    }
}
