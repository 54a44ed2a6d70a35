package dev.actionqueues.deferred.spi;

import java.util.Objects;

/**
 * A lease as a worker's heartbeat records it: enough to end the lease later, if the worker dies,
 * with {@link JobQueue#expire(WorkerLease)}, and no payload. Immutable.
 *
 * @param jobId the job's id
 * @param fencingToken the token of the delivery the worker holds
 * @param receipt the backend's handle for the delivery ({@link Lease#receipt()}), or the empty string
 */
public record WorkerLease(String jobId, long fencingToken, String receipt) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if {@code jobId} or {@code receipt} is null
     */
    public WorkerLease {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(receipt, "receipt");
    }

    /**
     * The part of {@code lease} a heartbeat records.
     *
     * @param lease a lease the worker holds
     * @return its id, token and receipt
     * @throws NullPointerException if {@code lease} is null
     */
    public static WorkerLease of(Lease lease) {
        return new WorkerLease(lease.jobId(), lease.fencingToken(), lease.receipt());
    }
}
