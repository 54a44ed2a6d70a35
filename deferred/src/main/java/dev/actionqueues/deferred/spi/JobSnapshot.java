package dev.actionqueues.deferred.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * One job as {@link JobQueue#browse} saw it. Immutable.
 *
 * @param id the job id
 * @param payload the opaque payload
 * @param state where the job stood
 * @param dueAt when a delayed job falls due; null in the other states when the backend does not keep it
 * @param leaseExpiresAt when the lease of a job in flight runs out; null in the other states
 * @param deliveries how often the job was claimed so far (0 for a job never claimed)
 */
public record JobSnapshot(String id, String payload, JobState state, Instant dueAt, Instant leaseExpiresAt,
        int deliveries) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if {@code id}, {@code payload} or {@code state} is null
     * @throws IllegalArgumentException if {@code deliveries} is negative
     */
    public JobSnapshot {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(state, "state");
        if (deliveries < 0) {
            throw new IllegalArgumentException("deliveries must not be negative");
        }
    }

    @Override
    public String toString() {
        return "JobSnapshot[id=" + id + ", state=" + state + ", dueAt=" + dueAt + ", leaseExpiresAt="
                + leaseExpiresAt + ", deliveries=" + deliveries + ", payloadChars=" + payload.length() + "]";
    }
}
