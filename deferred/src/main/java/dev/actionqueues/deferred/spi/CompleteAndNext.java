package dev.actionqueues.deferred.spi;

import java.util.List;
import java.util.Objects;

/**
 * What {@link JobQueue#completeAndClaim(Lease, int, java.time.Duration)} did.
 *
 * @param completed whether the finished job was removed; false if its lease was stale
 * @param next the jobs claimed, leased, oldest first; empty if none was ready
 */
public record CompleteAndNext(boolean completed, List<Lease> next) {

    /**
     * Checks and copies the fields.
     *
     * @throws NullPointerException if {@code next} is null
     */
    public CompleteAndNext {
        next = List.copyOf(Objects.requireNonNull(next, "next"));
    }
}
