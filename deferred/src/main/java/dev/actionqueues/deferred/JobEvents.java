package dev.actionqueues.deferred;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fan-out of a Deferrable's side channels: events to the listeners, each isolated from the
 * others (one that throws is logged and skipped), and metadata from the producer's side to the
 * consumer's. Thread-safe: the lists are fixed at construction.
 */
final class JobEvents {

    private static final Logger LOG = LoggerFactory.getLogger(Deferrable.class);

    private final List<DeferrableListener> listeners;
    private final List<MetadataProducerConsumer<?>> metadata;
    private final Codec codec;

    JobEvents(List<DeferrableListener> listeners, List<MetadataProducerConsumer<?>> metadata, Codec codec) {
        this.listeners = List.copyOf(listeners);
        this.metadata = List.copyOf(metadata);
        this.codec = codec;
    }

    /** Metadata made on the producer's side of one {@code later} call: values and their JSON. */
    record Produced(Map<String, Object> values, Map<String, JsonNode> json) {
        static final Produced NONE = new Produced(Map.of(), null);
    }

    /** Tells every listener; a listener that throws is logged and the others still hear of it. */
    void emit(EventType type, String jobId, String task, int attempts, Duration delay, Map<String, Object> md,
            Throwable failure) {
        emit(type, jobId, task, attempts, delay, md, failure, null);
    }

    /** As {@link #emit(EventType, String, String, int, Duration, Map, Throwable)}, with the enqueue time. */
    void emit(EventType type, String jobId, String task, int attempts, Duration delay, Map<String, Object> md,
            Throwable failure, Instant enqueuedAt) {
        if (listeners.isEmpty()) {
            return;
        }
        JobEvent event = new JobEvent(type, jobId, task, attempts, delay, md, failure, enqueuedAt);
        for (DeferrableListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("A listener threw on {} of job {}; ignored", type, jobId, e);
            }
        }
    }

    /** Asks each metadata producer for its value; a null value is left out. */
    Produced produce() {
        if (metadata.isEmpty()) {
            return Produced.NONE;
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, JsonNode> json = new LinkedHashMap<>();
        for (MetadataProducerConsumer<?> pc : metadata) {
            Object value = pc.produce();
            if (value != null) {
                values.put(pc.namespace(), value);
                json.put(pc.namespace(), codec.toTree(value));
            }
        }
        return new Produced(values, json);
    }

    /** The metadata a job carries, by namespace; a value that does not decode is logged and left out. */
    Map<String, Object> decode(JobPayload p) {
        if (metadata.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> out = new HashMap<>();
        Map<String, JsonNode> stored = p.metadata() == null ? Map.of() : p.metadata();
        for (MetadataProducerConsumer<?> pc : metadata) {
            JsonNode node = stored.get(pc.namespace());
            if (node != null && !node.isNull()) {
                try {
                    out.put(pc.namespace(), codec.mapper().treeToValue(node, pc.type()));
                } catch (Exception e) {
                    LOG.warn("Metadata of namespace '{}' does not decode as {}; the consumer gets null",
                            pc.namespace(), pc.type().getName(), e);
                }
            }
        }
        return out;
    }

    /** Hands each metadata consumer its value (null when the job has none), in registration order. */
    @SuppressWarnings("unchecked")
    void consume(Map<String, Object> md) {
        for (MetadataProducerConsumer<?> pc : metadata) {
            ((MetadataProducerConsumer<Object>) pc).consume(md.get(pc.namespace()));
        }
    }
}
