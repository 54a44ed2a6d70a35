package dev.actionqueues.deferred.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A saga as a {@link SagaStore} keeps it. Immutable.
 *
 * @param id the saga id
 * @param name the saga's registered name
 * @param status its status (a {@code SagaStatus} name)
 * @param journal the engine's JSON journal
 * @param token the token of its latest lease (0 if never leased)
 * @param cancelRequested whether cancellation was asked for
 * @param updatedAt when it was last written, by the backend's clock
 */
public record SagaRecord(String id, String name, String status, String journal, long token, boolean cancelRequested,
        Instant updatedAt) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if a field is null
     */
    public SagaRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(journal, "journal");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
