package dev.actionqueues.opentelemetry;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import io.opentelemetry.api.trace.Span;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A job's trace metadata: the propagator's fields ({@code traceparent}, {@code tracestate}, and
 * whatever else the configured propagators write), stored as one flat JSON object. On the
 * producer's side it also holds the producer span until the push is reported; that reference is
 * never serialised and is gone from the copy the consumer decodes. Mutable only while being filled;
 * then read-only in practice.
 */
final class TraceCarrier {

    private final Map<String, String> fields = new LinkedHashMap<>();
    @JsonIgnore
    private final transient AtomicReference<Span> producerSpan = new AtomicReference<>();

    /** For Jackson. */
    TraceCarrier() {
    }

    TraceCarrier(Span producerSpan) {
        this.producerSpan.set(producerSpan);
    }

    @JsonAnyGetter
    Map<String, String> fields() {
        return fields;
    }

    @JsonAnySetter
    void set(String key, String value) {
        fields.put(key, value);
    }

    String get(String key) {
        return fields.get(key);
    }

    /** Returns the producer span, once: the second caller gets null, so a span is ended once. */
    Span takeProducerSpan() {
        return producerSpan.getAndSet(null);
    }

    @Override
    public String toString() {
        return "TraceCarrier" + fields;
    }
}
