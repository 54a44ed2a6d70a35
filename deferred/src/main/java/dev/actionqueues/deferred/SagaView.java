package dev.actionqueues.deferred;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A durable saga as its journal shows it: status, each step's execute and compensate, and the
 * error that decided its course. Immutable.
 *
 * @param id the saga id
 * @param name the saga's registered name
 * @param status where it stands
 * @param steps each step, in definition order
 * @param error why it is compensating or failed (the step's or the engine's message), or null
 * @param cancelRequested whether cancellation was asked for
 * @param createdAt when it was started
 * @param updatedAt when its journal was last written
 */
public record SagaView(String id, String name, SagaStatus status, List<Step> steps, String error,
        boolean cancelRequested, Instant createdAt, Instant updatedAt) {

    /**
     * Copies the list.
     *
     * @throws NullPointerException if a field other than {@code error} is null
     */
    public SagaView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        steps = List.copyOf(steps);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /**
     * One step of the journal.
     *
     * @param name the step's name
     * @param execute its execute
     * @param compensate its compensate
     */
    public record Step(String name, Run execute, Run compensate) {
    }

    /**
     * One direction of a step.
     *
     * @param status where it stands
     * @param attempts how many attempts started
     * @param startedAt when the latest attempt started, or null
     * @param endedAt when it succeeded or failed for good, or null
     * @param lastError the latest attempt's error ({@code class: message}), or null
     */
    public record Run(RunStatus status, int attempts, Instant startedAt, Instant endedAt, String lastError) {
    }

    /** Where one direction of a step stands. */
    public enum RunStatus {
        /** Not run. */
        PENDING,
        /** An attempt started and has not ended (or its worker died). */
        STARTED,
        /** An attempt failed; another comes after a backoff. */
        RETRYING,
        /** It succeeded. */
        SUCCEEDED,
        /** It failed for good. */
        FAILED
    }
}
