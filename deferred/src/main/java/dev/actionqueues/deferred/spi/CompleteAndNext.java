package dev.actionqueues.deferred.spi;

import java.util.Optional;

/**
 * What {@link JobQueue#completeAndPop(Lease, java.time.Duration)} did.
 *
 * @param completed whether the finished job was removed; false if its lease was stale
 * @param next the next job, leased, or empty if none was ready
 */
public record CompleteAndNext(boolean completed, Optional<Lease> next) {

    /**
     * @throws NullPointerException if {@code next} is null
     */
    public CompleteAndNext {
        java.util.Objects.requireNonNull(next, "next");
    }
}
