package dev.actionqueues.deferred.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A lease on a claimed job: until {@link #expiresAt()} nobody else is given the job. The holder
 * finishes it with {@link JobQueue#complete}, {@link JobQueue#release} or
 * {@link JobQueue#deadLetter}, or extends it with {@link JobQueue#renew}. If the lease runs out
 * first, the job is delivered again and gets a new, greater {@link #fencingToken()}; from then on
 * every call made with this lease is rejected. Immutable.
 *
 * @param jobId the job's id
 * @param payload the job's payload, exactly as pushed or last released
 * @param fencingToken identifies this delivery; strictly greater than the token of any earlier
 *     delivery of the same job
 * @param expiresAt when the lease runs out, on the backend's clock
 * @param deliveries how many times the job has been claimed since it was pushed or last released,
 *     this time included: more than 1 means an earlier holder let its lease run out
 * @param receipt an opaque handle the backend needs to act on the delivery (an SQS receipt handle),
 *     or the empty string
 */
public record Lease(String jobId, String payload, long fencingToken, Instant expiresAt, int deliveries, String receipt) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if any field is null
     * @throws IllegalArgumentException if {@code deliveries < 1}
     */
    public Lease {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(receipt, "receipt");
        if (deliveries < 1) {
            throw new IllegalArgumentException("deliveries must be >= 1, was " + deliveries);
        }
    }

    /**
     * This lease with a new expiry; the token stays the same.
     *
     * @param newExpiry the new expiry
     * @return the renewed lease
     */
    public Lease withExpiry(Instant newExpiry) {
        return new Lease(jobId, payload, fencingToken, newExpiry, deliveries, receipt);
    }

    @Override
    public String toString() {
        return "Lease[jobId=" + jobId + ", fencingToken=" + fencingToken + ", expiresAt=" + expiresAt
                + ", deliveries=" + deliveries + ", payloadChars=" + payload.length() + "]";
    }
}
