package dev.actionqueues.deferred.spi;

import dev.actionqueues.deferred.BackendException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where a backend keeps the journals of durable sagas: one record per saga, an opaque JSON journal
 * the engine owns, plus a lease with a fencing token, so that only one runner advances a saga at a
 * time and a stale runner's write is rejected (the model of job leases).
 *
 * <p>Every method is one atomic step of the backend. Times (lease expiry, {@code updatedAt}) are
 * the backend's clock. Implementations are thread-safe; every method may throw
 * {@link BackendException} when the broker fails.
 */
public interface SagaStore {

    /**
     * Stores a new saga, not leased.
     *
     * @param id the saga id
     * @param name the saga's registered name
     * @param status its status
     * @param journal its journal
     * @return false, changing nothing, if a saga with this id exists
     */
    boolean create(String id, String name, String status, String journal);

    /**
     * Leases a saga that no one holds (or whose lease ran out) with a token greater than every
     * earlier one of this saga.
     *
     * @param id the saga id
     * @param lease how long the lease lasts unless renewed by {@link #update}
     * @return the saga with its new token, or empty if it does not exist or another runner holds it
     */
    Optional<SagaRecord> acquire(String id, Duration lease);

    /** What {@link #update} did. */
    enum Write {
        /** The journal was written. */
        WRITTEN,
        /** The journal was written, and cancellation of the saga has been asked for. */
        WRITTEN_CANCEL_REQUESTED,
        /** Nothing was written: the token is stale, another runner took the saga. */
        STALE
    }

    /**
     * Writes the journal and status of a saga held with {@code token}, and extends the lease, or
     * ends it in the same step if {@code lease} is zero.
     *
     * @param id the saga id
     * @param token the token of the caller's lease
     * @param status the new status
     * @param journal the new journal
     * @param lease the lease from now; zero releases the saga
     * @return whether it was written, and whether cancellation was asked for
     */
    Write update(String id, long token, String status, String journal, Duration lease);

    /**
     * Ends the lease held with {@code token}, if it is still held; the saga is free at once.
     *
     * @param id the saga id
     * @param token the lease's token
     */
    void release(String id, long token);

    /**
     * Asks the runner of a saga to cancel it: sets a flag that {@link #acquire} and {@link #find}
     * report ({@link SagaRecord#cancelRequested()}) and {@link #cancelRequested} reads.
     *
     * @param id the saga id
     * @return false if the saga does not exist
     */
    boolean requestCancel(String id);

    /**
     * Whether cancellation was asked for; cheap, read by a runner between steps.
     *
     * @param id the saga id
     * @return the flag; false if the saga does not exist
     */
    boolean cancelRequested(String id);

    /**
     * Reads a saga.
     *
     * @param id the saga id
     * @return the saga, or empty
     */
    Optional<SagaRecord> find(String id);

    /**
     * Lists sagas, most recently updated first.
     *
     * @param status only sagas with this status; null for all
     * @param offset how many to skip
     * @param limit at most how many to return
     * @return the sagas
     */
    List<SagaRecord> list(String status, int offset, int limit);

    /**
     * Deletes sagas named {@code name} whose status is one of {@code statuses} and which were last
     * updated before {@code cutoff}, at most {@code max} of them.
     *
     * @param name the saga name
     * @param statuses the (terminal) statuses to delete
     * @param cutoff the last update time before which they go
     * @param max the most to delete in this call
     * @return how many were deleted
     */
    int removeUpdatedBefore(String name, List<String> statuses, Instant cutoff, int max);
}
