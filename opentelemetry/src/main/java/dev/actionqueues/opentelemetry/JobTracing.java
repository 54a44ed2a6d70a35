package dev.actionqueues.opentelemetry;

import dev.actionqueues.deferred.DeferrableListener;
import dev.actionqueues.deferred.EventType;
import dev.actionqueues.deferred.JobEvent;
import dev.actionqueues.deferred.MetadataProducerConsumer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Objects;

/**
 * Traces a group's deferred jobs with OpenTelemetry. Register both halves on the Deferrable (the
 * producer's and the consumer's, or one that is both):
 * {@code Deferrable.builder(backend).metadata(tracing.metadata()).listener(tracing.listener())}.
 *
 * <p>At {@code later()} a PRODUCER span {@code send <group>} starts, a child of the caller's current
 * context, and its context is injected by the OpenTelemetry instance's propagators (W3C
 * {@code traceparent} and {@code tracestate} with the usual set-up) into the job's metadata under
 * {@link #NAMESPACE}; the span ends when the push is reported, with the job's id. Each claimed job
 * then runs in a CONSUMER span {@code process <group>}, current on the handler's thread while it
 * runs, with a link to the producer's context. Its parent is the worker's current context (a trace
 * per run, linked to the request's), or, with {@link Builder#childOfProducer(boolean)
 * childOfProducer(true)}, the producer's context itself, so the trace started before
 * {@code later()} goes on in the worker. The metadata travels unchanged through retries and into
 * the error queue, so every attempt, and a replay, refers to the original creation context.
 *
 * <p>Attributes (messaging semantic conventions): {@code messaging.system} = {@value #SYSTEM},
 * {@code messaging.destination.name} = the group, {@code messaging.operation.type} = {@code send} or
 * {@code process}, {@code messaging.operation.name}, {@code messaging.message.id} = the job id, and
 * on a failed attempt {@code error.type} = the exception's class name (the span's status is ERROR
 * and the exception is recorded); also {@code actionqueues.task}, {@code actionqueues.attempt} and,
 * for a job whose TTL had passed, {@code actionqueues.expired}. A {@code later()} call debounced
 * into a waiting job ends its span with that job's id and {@code actionqueues.debounced} = true.
 *
 * <p>Limits: a {@code later()} that throws leaves its producer span unended (not exported); a run
 * cut short by an interrupt or a JVM error ends its span, with status ERROR, only when the thread
 * claims its next job.
 *
 * <p>Thread-safe.
 */
public final class JobTracing {

    /** The metadata namespace of the trace context. */
    public static final String NAMESPACE = "otel";
    /** The value of {@code messaging.system}. */
    public static final String SYSTEM = "actionqueues";
    /** The instrumentation scope's name. */
    public static final String INSTRUMENTATION_NAME = "dev.actionqueues.opentelemetry";

    static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> TASK = AttributeKey.stringKey("actionqueues.task");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("actionqueues.attempt");
    static final AttributeKey<Boolean> EXPIRED = AttributeKey.booleanKey("actionqueues.expired");
    static final AttributeKey<Boolean> DEBOUNCED = AttributeKey.booleanKey("actionqueues.debounced");

    private static final TextMapGetter<TraceCarrier> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(TraceCarrier carrier) {
            return carrier.fields().keySet();
        }

        @Override
        public String get(TraceCarrier carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    /** The consumer span of the job running on this thread, and its scope. */
    private record Run(String jobId, Span span, Scope scope) {
    }

    private final String group;
    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final boolean childOfProducer;
    private final ThreadLocal<Run> running = new ThreadLocal<>();
    private final MetadataProducerConsumer<TraceCarrier> metadata = new Metadata();
    private final DeferrableListener listener = this::onEvent;

    private JobTracing(Builder b) {
        this.group = b.group;
        this.tracer = b.openTelemetry.getTracer(INSTRUMENTATION_NAME);
        this.propagator = b.openTelemetry.getPropagators().getTextMapPropagator();
        this.childOfProducer = b.childOfProducer;
    }

    /**
     * Returns a builder tracing the jobs of {@code group}.
     *
     * @param openTelemetry the tracer provider and propagators to use
     * @param group the Deferrable's group: the spans' destination
     * @return the builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code group} is blank
     */
    public static Builder builder(OpenTelemetry openTelemetry, String group) {
        return new Builder(openTelemetry, group);
    }

    /**
     * Returns the producer-consumer to add with {@code Deferrable.Builder.metadata(..)}: it starts the
     * producer span and writes its context into each job.
     *
     * @return the metadata producer-consumer, under {@link #NAMESPACE}
     */
    public MetadataProducerConsumer<?> metadata() {
        return metadata;
    }

    /**
     * Returns the listener to add with {@code Deferrable.Builder.listener(..)}: it ends the producer
     * spans and runs each claimed job in its consumer span.
     *
     * @return the listener
     */
    public DeferrableListener listener() {
        return listener;
    }

    private void onEvent(JobEvent event) {
        EventType type = event.type();
        switch (type) {
            case PUSH, DEBOUNCE_HIT -> endProducerSpan(event, type == EventType.DEBOUNCE_HIT);
            case POP -> startConsumerSpan(event);
            case EXPIRE -> current(event).span().setAttribute(EXPIRED, true);
            case RETRY, ERROR -> failed(event);
            case LEASE_LOST -> current(event).span().addEvent("lease lost");
            case COMPLETE -> endConsumerSpan(event);
            default -> {
                // EMPTY, DEBOUNCE_MISS and DEBOUNCE_ERROR (a PUSH follows), saga events
            }
        }
    }

    private void endProducerSpan(JobEvent event, boolean debounced) {
        if (!(event.metadata().get(NAMESPACE) instanceof TraceCarrier carrier)) {
            return;
        }
        Span span = carrier.takeProducerSpan();
        if (span == null) {
            return;
        }
        if (event.jobId() != null) {
            span.setAttribute(MESSAGE_ID, event.jobId());
        }
        if (event.task() != null) {
            span.setAttribute(TASK, event.task());
        }
        if (debounced) {
            span.setAttribute(DEBOUNCED, true);
        }
        span.end();
    }

    private void startConsumerSpan(JobEvent event) {
        Run stale = running.get();
        if (stale != null) {
            // The thread's last run never completed (interrupted, or a JVM error): end it now.
            endRun(stale, "the run ended without completing");
        }
        Context producer = null;
        if (event.metadata().get(NAMESPACE) instanceof TraceCarrier carrier) {
            producer = propagator.extract(Context.root(), carrier, GETTER);
        }
        SpanContext creation = producer == null ? SpanContext.getInvalid() : Span.fromContext(producer)
                .getSpanContext();
        SpanBuilder b = tracer.spanBuilder("process " + group).setSpanKind(SpanKind.CONSUMER)
                .setAttribute(MESSAGING_SYSTEM, SYSTEM).setAttribute(DESTINATION, group)
                .setAttribute(OPERATION_TYPE, "process").setAttribute(OPERATION_NAME, "process")
                .setAttribute(ATTEMPT, (long) event.attempts() + 1);
        if (event.jobId() != null) {
            b.setAttribute(MESSAGE_ID, event.jobId());
        }
        if (event.task() != null) {
            b.setAttribute(TASK, event.task());
        }
        if (creation.isValid()) {
            b.addLink(creation);
            if (childOfProducer) {
                b.setParent(producer);
            }
        }
        Span span = b.startSpan();
        running.set(new Run(event.jobId(), span, span.makeCurrent()));
    }

    /** The run of {@code event}'s job on this thread, or a no-op run if there is none. */
    private Run current(JobEvent event) {
        Run run = running.get();
        if (run == null || !Objects.equals(run.jobId(), event.jobId())) {
            return new Run(event.jobId(), Span.getInvalid(), Scope.noop());
        }
        return run;
    }

    private void failed(JobEvent event) {
        Span span = current(event).span();
        Throwable failure = event.failure();
        span.setStatus(StatusCode.ERROR,
                event.type() == EventType.RETRY ? "failed; retried" : "sent to the error queue");
        if (failure != null) {
            span.setAttribute(ERROR_TYPE, failure.getClass().getName());
            span.recordException(failure);
        } else {
            span.setAttribute(ERROR_TYPE, "_OTHER");
        }
    }

    private void endConsumerSpan(JobEvent event) {
        Run run = running.get();
        if (run != null && Objects.equals(run.jobId(), event.jobId())) {
            running.remove();
            run.scope().close();
            run.span().end();
        }
    }

    private void endRun(Run run, String why) {
        running.remove();
        run.scope().close();
        run.span().setStatus(StatusCode.ERROR, why);
        run.span().end();
    }

    @Override
    public String toString() {
        return "JobTracing[group=" + group + ", childOfProducer=" + childOfProducer + "]";
    }

    /** The producer's half: starts the send span and carries its context. */
    private final class Metadata implements MetadataProducerConsumer<TraceCarrier> {
        @Override
        public String namespace() {
            return NAMESPACE;
        }

        @Override
        public Class<TraceCarrier> type() {
            return TraceCarrier.class;
        }

        @Override
        public TraceCarrier produce() {
            Span span = tracer.spanBuilder("send " + group).setSpanKind(SpanKind.PRODUCER)
                    .setAttribute(MESSAGING_SYSTEM, SYSTEM).setAttribute(DESTINATION, group)
                    .setAttribute(OPERATION_TYPE, "send").setAttribute(OPERATION_NAME, "send").startSpan();
            TraceCarrier carrier = new TraceCarrier(span);
            propagator.inject(Context.current().with(span), carrier, TraceCarrier::set);
            return carrier;
        }

        @Override
        public void consume(TraceCarrier metadata) {
            // The listener's POP starts the consumer span; nothing to do here.
        }

        @Override
        public String toString() {
            return "JobTracing.metadata[" + group + "]";
        }
    }

    /**
     * Builds a {@link JobTracing}. Each setter validates its argument; {@link #build()} copies, so a
     * builder can be reused. Not thread-safe.
     */
    public static final class Builder {
        private final OpenTelemetry openTelemetry;
        private final String group;
        private boolean childOfProducer;

        private Builder(OpenTelemetry openTelemetry, String group) {
            this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
            this.group = Objects.requireNonNull(group, "group");
            if (group.isBlank()) {
                throw new IllegalArgumentException("group must not be blank");
            }
        }

        /**
         * Sets whether a consumer span is a child of the producer's context (one trace from the
         * request to every attempt of the job) or, the default, starts from the worker's current
         * context with only a link to it (a trace per run, linked to the request's, as the messaging
         * conventions have it for consumers).
         *
         * @param childOfProducer true for a child; default false
         * @return this builder
         */
        public Builder childOfProducer(boolean childOfProducer) {
            this.childOfProducer = childOfProducer;
            return this;
        }

        /**
         * Creates the tracing.
         *
         * @return the tracing
         */
        public JobTracing build() {
            return new JobTracing(this);
        }
    }
}
