package dev.actionqueues.deferred;

import dev.actionqueues.deferred.spi.JobState;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A job of the main queue as an operator sees it ({@link QueueAdmin#jobs}): its state, its task and
 * arguments as stored, and its times. Fields the payload does not hold (a payload that does not
 * parse) are null; the raw payload is always there. Immutable.
 *
 * @param id the job id
 * @param state where the job stands
 * @param task the task name, or null
 * @param arguments the arguments as JSON text, or null
 * @param metadata the job's metadata as JSON text per key (empty if none)
 * @param attempts the attempts made so far (retries)
 * @param pushedAt when it was first pushed, or null
 * @param dueAt when a delayed job falls due, or null
 * @param leaseExpiresAt when the lease of a job in flight runs out, or null
 * @param deliveries how often the current attempt was claimed
 * @param payload the raw stored payload
 */
public record JobView(String id, JobState state, String task, String arguments, Map<String, String> metadata,
        int attempts, Instant pushedAt, Instant dueAt, Instant leaseExpiresAt, int deliveries, String payload) {

    /**
     * Checks and copies the fields.
     *
     * @throws NullPointerException if {@code id}, {@code state}, {@code metadata} or {@code payload} is null
     */
    public JobView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
        metadata = Map.copyOf(metadata);
        Objects.requireNonNull(payload, "payload");
    }

    @Override
    public String toString() {
        return "JobView[id=" + id + ", state=" + state + ", task=" + task + ", attempts=" + attempts + "]";
    }
}
