package dev.actionqueues.deferred.spi;

import dev.actionqueues.deferred.BackendException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where the workers of a group record their heartbeats, so operators can see them and live workers
 * can reclaim a dead worker's leases at once instead of waiting for them to run out.
 *
 * <p>Each worker upserts its {@linkplain WorkerRecord record} every second or so with
 * {@link #heartbeat}; the record goes away by itself when no heartbeat renews it within its expiry.
 * A worker whose heartbeat has been silent for a while is presumed dead: a live worker
 * {@linkplain #takeOver takes over} its record, which exactly one caller can do, and ends its
 * leases ({@link JobQueue#expire(WorkerLease)}). Times ("last seen", "silent for") are the
 * backend's clock where it has one, so the clocks of workers' hosts do not matter.
 *
 * <p>Every method is one atomic step of the backend. Implementations are thread-safe; every method
 * may throw {@link BackendException} when the broker fails.
 */
public interface WorkerRegistry {

    /**
     * Creates or replaces the record of {@code status.name()}: its fields, last seen now, first seen
     * now if the record is new (kept otherwise), gone unless renewed within {@code expireAfter}.
     *
     * @param status what the worker reports
     * @param expireAfter how long the record lasts without another heartbeat, positive
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code expireAfter} is not positive
     */
    void heartbeat(WorkerStatus status, Duration expireAfter);

    /**
     * The workers seen within {@code seenWithin} (their last heartbeat is at most that old),
     * ordered by name.
     *
     * @param seenWithin the window, positive
     * @return the live workers' records
     * @throws IllegalArgumentException if {@code seenWithin} is not positive
     */
    List<WorkerRecord> list(Duration seenWithin);

    /**
     * The workers whose records are kept (not expired) but whose last heartbeat is at least
     * {@code silentFor} old: the candidates for {@link #takeOver}, ordered by name.
     *
     * @param silentFor how long a heartbeat must have been silent, positive
     * @return their records
     * @throws IllegalArgumentException if {@code silentFor} is not positive
     */
    List<WorkerRecord> silent(Duration silentFor);

    /**
     * Removes the record of {@code name} if it is still kept and its last heartbeat is at least
     * {@code silentFor} old, and returns it: of many callers, at most one gets it, and only that
     * one reclaims its leases. A worker that was only paused and heartbeats again afterwards gets a
     * new record.
     *
     * @param name the silent worker's name
     * @param silentFor how long its heartbeat must have been silent, positive
     * @return the record taken over, or empty if it is gone, was taken, or the worker is alive
     * @throws IllegalArgumentException if {@code silentFor} is not positive
     */
    Optional<WorkerRecord> takeOver(String name, Duration silentFor);

    /**
     * Removes the record of {@code name}, as a worker does when it stops gracefully.
     *
     * @param name the worker's name
     * @return false if there was no record
     */
    boolean remove(String name);
}
