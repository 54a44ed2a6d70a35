package dev.actionqueues.deferred;

import java.time.Duration;
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
 */
public record JobEvent(EventType type, String jobId, String task, int attempts, Duration delay,
        Map<String, Object> metadata, Throwable failure) {

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
