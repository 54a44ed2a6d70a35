package dev.actionqueues.deferred;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One event about a job, as given to a {@link DeferrableListener}. Immutable.
 *
 * @param type the event
 * @param jobId the job's id; null for {@link EventType#EMPTY}
 * @param task the task name; null for {@link EventType#EMPTY} and for payloads that did not parse
 * @param attempts executions of the job so far
 * @param delay the delay of a push or retry; {@link Duration#ZERO} otherwise
 * @param metadata the job's metadata by namespace, decoded with the registered
 *     {@link MetadataProducerConsumer}s (unregistered namespaces are left out)
 * @param failure the exception behind a {@link EventType#RETRY}, {@link EventType#ERROR} or
 *     {@link EventType#DEBOUNCE_ERROR}, or null
 * @param enqueuedAt for a {@link EventType#POP}: when the job was last put in the queue, as the
 *     producer's clock saw it: the time of {@code later} for a first run (a delay given to
 *     {@code later} comes on top of it), the time a retry became due (its failure plus the backoff),
 *     or the time of a replay from the error queue; so {@code now - enqueuedAt} is how long the job
 *     waited for a consumer (plus any initial delay). Null for the other events and for payloads
 *     that carry no push time.
 */
public record JobEvent(EventType type, String jobId, String task, int attempts, Duration delay,
        Map<String, Object> metadata, Throwable failure, Instant enqueuedAt) {

    /**
     * An event without an enqueue time, as before {@code enqueuedAt} was added.
     *
     * @param type the event
     * @param jobId the job's id
     * @param task the task name
     * @param attempts executions of the job so far
     * @param delay the delay of a push or retry
     * @param metadata the job's metadata by namespace
     * @param failure the exception behind the event, or null
     * @throws NullPointerException if {@code type}, {@code delay} or {@code metadata} is null
     */
    public JobEvent(EventType type, String jobId, String task, int attempts, Duration delay,
            Map<String, Object> metadata, Throwable failure) {
        this(type, jobId, task, attempts, delay, metadata, failure, null);
    }

    /**
     * Checks the fields and copies the metadata.
     *
     * @throws NullPointerException if {@code type}, {@code delay} or {@code metadata} is null
     */
    public JobEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(delay, "delay");
        metadata = Map.copyOf(metadata);
    }
}
