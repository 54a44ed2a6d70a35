package dev.actionqueues.deferred.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * The result of {@link JobQueue#pushDebounced}. Immutable.
 *
 * @param decision what happened
 * @param jobId the id of the job pushed, or for {@link DebounceDecision#SKIP} of the waiting job
 *     the call collapsed into
 * @param delay the delay the pushed job got; {@link Duration#ZERO} for a skip
 */
public record DebounceResult(DebounceDecision decision, String jobId, Duration delay) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if a field is null
     */
    public DebounceResult {
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(delay, "delay");
    }
}
