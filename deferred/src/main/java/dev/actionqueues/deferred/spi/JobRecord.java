package dev.actionqueues.deferred.spi;

import java.util.Objects;

/**
 * A waiting job as listed by {@link JobQueue#list(int, int)}. Immutable.
 *
 * @param id the job id
 * @param payload the opaque payload
 */
public record JobRecord(String id, String payload) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if any field is null
     */
    public JobRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(payload, "payload");
    }
}
