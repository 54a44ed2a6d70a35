package dev.actionqueues.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.ErrorEntry;
import dev.actionqueues.deferred.LaterResult;
import dev.actionqueues.deferred.RunOutcome;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.deferred.TaskOptions;
import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.retry.Backoff;
import dev.actionqueues.testkit.FakeTime;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Trace propagation on the in-memory backend and fake time, one job at a time with runOnce. */
class JobTracingTest {

    private final Tracing tracing = new Tracing();
    private final FakeTime time = new FakeTime();
    private final Backend backend = InMemoryBackendFactory.create(time).createBackendForGroup("shop");
    private final List<SpanContext> seenByHandler = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        tracing.close();
    }

    private Deferrable deferrable(JobTracing t) {
        return Deferrable.builder(backend).clock(time).sleeper(time).hostName("test").metadata(t.metadata())
                .listener(t.listener()).build();
    }

    /** Calls later() inside a span "request"; returns that span's context. */
    private SpanContext laterInRequest(Runnable later) {
        Span request = tracing.sdk.getTracer("test").spanBuilder("request").startSpan();
        try (Scope ignored = request.makeCurrent()) {
            later.run();
        } finally {
            request.end();
        }
        return request.getSpanContext();
    }

    @Test
    void aTraceStartedBeforeLaterGoesOnInTheRunAndAcrossARetry() {
        Deferrable d = deferrable(JobTracing.builder(tracing.sdk, "shop").childOfProducer(true).build());
        AtomicInteger runs = new AtomicInteger();
        TaskHandle<String> email = d.register("email", String.class,
                TaskOptions.builder().backoff(Backoff.constant(Duration.ofSeconds(10))).build(), to -> {
                    seenByHandler.add(Span.current().getSpanContext());
                    if (runs.incrementAndGet() == 1) {
                        throw new IllegalStateException("smtp down");
                    }
                });
        LaterResult[] pushed = new LaterResult[1];
        SpanContext request = laterInRequest(() -> pushed[0] = email.later("ada@example.com"));

        assertThat(d.runOnce().status()).isEqualTo(RunOutcome.Status.RETRIED);
        time.advance(Duration.ofSeconds(10));
        assertThat(d.runOnce().status()).isEqualTo(RunOutcome.Status.RAN);

        SpanData send = tracing.span("send shop");
        assertThat(send.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(send.getTraceId()).isEqualTo(request.getTraceId());
        assertThat(send.getParentSpanId()).isEqualTo(request.getSpanId());
        assertThat(send.getAttributes().get(JobTracing.MESSAGING_SYSTEM)).isEqualTo("actionqueues");
        assertThat(send.getAttributes().get(JobTracing.DESTINATION)).isEqualTo("shop");
        assertThat(send.getAttributes().get(JobTracing.OPERATION_TYPE)).isEqualTo("send");
        assertThat(send.getAttributes().get(JobTracing.MESSAGE_ID)).isEqualTo(pushed[0].jobId());
        assertThat(send.getAttributes().get(JobTracing.TASK)).isEqualTo("email");

        List<SpanData> runsSpans = tracing.spans(SpanKind.CONSUMER);
        assertThat(runsSpans).hasSize(2).allSatisfy(process -> {
            assertThat(process.getName()).isEqualTo("process shop");
            assertThat(process.getTraceId()).as("the request's trace goes on").isEqualTo(request.getTraceId());
            assertThat(process.getParentSpanId()).as("each attempt: a child of the creation context")
                    .isEqualTo(send.getSpanId());
            assertThat(process.getLinks()).singleElement()
                    .satisfies(l -> assertThat(l.getSpanContext().getSpanId()).isEqualTo(send.getSpanId()));
            assertThat(process.getAttributes().get(JobTracing.MESSAGING_SYSTEM)).isEqualTo("actionqueues");
            assertThat(process.getAttributes().get(JobTracing.DESTINATION)).isEqualTo("shop");
            assertThat(process.getAttributes().get(JobTracing.OPERATION_TYPE)).isEqualTo("process");
            assertThat(process.getAttributes().get(JobTracing.MESSAGE_ID)).isEqualTo(pushed[0].jobId());
        });
        SpanData failed = runsSpans.get(0);
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(failed.getAttributes().get(JobTracing.ERROR_TYPE)).isEqualTo(IllegalStateException.class.getName());
        assertThat(failed.getAttributes().get(JobTracing.ATTEMPT)).isEqualTo(1L);
        assertThat(failed.getEvents()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
        SpanData succeeded = runsSpans.get(1);
        assertThat(succeeded.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(succeeded.getAttributes().get(JobTracing.ERROR_TYPE)).isNull();
        assertThat(succeeded.getAttributes().get(JobTracing.ATTEMPT)).isEqualTo(2L);
        assertThat(seenByHandler).extracting(SpanContext::getSpanId).as("the handler runs in the consumer span")
                .containsExactly(failed.getSpanId(), succeeded.getSpanId());
        assertThat(Span.current().getSpanContext().isValid()).as("no context left behind on the thread").isFalse();
    }

    @Test
    void theErrorQueueEntryKeepsTheCreationContextAndAReplayRunsInIt() {
        Deferrable d = deferrable(JobTracing.builder(tracing.sdk, "shop").childOfProducer(true).build());
        AtomicInteger runs = new AtomicInteger();
        TaskHandle<String> charge = d.register("charge", String.class, TaskOptions.builder().maxAttempts(1).build(),
                s -> {
                    if (runs.incrementAndGet() == 1) {
                        throw new UnsupportedOperationException("declined");
                    }
                });
        SpanContext request = laterInRequest(() -> charge.later("order-1"));
        assertThat(d.runOnce().status()).isEqualTo(RunOutcome.Status.ERRORED);
        SpanData send = tracing.span("send shop");

        ErrorEntry entry = d.errors(0, 10).get(0);
        assertThat(entry.payload()).contains("\"traceparent\":\"00-" + request.getTraceId() + "-" + send.getSpanId()
                + "-");
        assertThat(tracing.spans(SpanKind.CONSUMER).get(0).getAttributes().get(JobTracing.ERROR_TYPE))
                .isEqualTo(UnsupportedOperationException.class.getName());

        assertThat(d.replayError(entry.jobId())).isTrue();
        assertThat(d.runOnce().status()).isEqualTo(RunOutcome.Status.RAN);
        assertThat(tracing.spans(SpanKind.CONSUMER)).hasSize(2)
                .allSatisfy(p -> assertThat(p.getParentSpanId()).isEqualTo(send.getSpanId()));
    }

    @Test
    void byDefaultARunStartsItsOwnTraceLinkedToTheCreationContext() {
        Deferrable d = deferrable(JobTracing.builder(tracing.sdk, "shop").build());
        TaskHandle<String> t = d.register("t", String.class, s -> { });
        SpanContext request = laterInRequest(() -> t.later("x"));
        d.runOnce();

        SpanData send = tracing.span("send shop");
        SpanData process = tracing.span("process shop");
        assertThat(process.getTraceId()).isNotEqualTo(request.getTraceId());
        assertThat(process.getParentSpanContext().isValid()).isFalse();
        assertThat(process.getLinks()).singleElement().satisfies(l -> {
            assertThat(l.getSpanContext().getTraceId()).isEqualTo(request.getTraceId());
            assertThat(l.getSpanContext().getSpanId()).isEqualTo(send.getSpanId());
        });
    }

    @Test
    void aJobPushedWithoutTracingRunsInAConsumerSpanWithoutALink() {
        Deferrable producer = Deferrable.builder(backend).clock(time).build();
        producer.task(dev.actionqueues.deferred.TaskDescriptor.of("t", String.class)).later("x");
        Deferrable consumer = deferrable(JobTracing.builder(tracing.sdk, "shop").childOfProducer(true).build());
        consumer.register("t", String.class, s -> { });

        assertThat(consumer.runOnce().status()).isEqualTo(RunOutcome.Status.RAN);

        SpanData process = tracing.span("process shop");
        assertThat(process.getLinks()).isEmpty();
        assertThat(process.getParentSpanContext().isValid()).isFalse();
        assertThat(tracing.spans(SpanKind.PRODUCER)).isEmpty();
    }

    @Test
    void aDebouncedCallEndsItsSendSpanWithTheWaitingJobsId() {
        Deferrable d = deferrable(JobTracing.builder(tracing.sdk, "shop").childOfProducer(true).build());
        TaskHandle<String> t = d.register("refresh", String.class,
                TaskOptions.builder().debounce(Duration.ofSeconds(30)).debounceAlwaysDelay(true).build(), s -> { });
        LaterResult first = t.later("x");
        LaterResult second = t.later("x");

        assertThat(second.debounced()).isTrue();
        List<SpanData> sends = tracing.spans(SpanKind.PRODUCER);
        assertThat(sends).hasSize(2).allSatisfy(s -> assertThat(s.getAttributes().get(JobTracing.MESSAGE_ID))
                .isEqualTo(first.jobId()));
        assertThat(sends.get(0).getAttributes().get(JobTracing.DEBOUNCED)).isNull();
        assertThat(sends.get(1).getAttributes().get(JobTracing.DEBOUNCED)).isTrue();
    }

    @Test
    void anExpiredJobsSpanSaysSo() {
        Deferrable d = deferrable(JobTracing.builder(tracing.sdk, "shop").childOfProducer(true).build());
        d.register("t", String.class, TaskOptions.builder().ttl(Duration.ofSeconds(5)).build(), s -> { }).later("x");
        time.advance(Duration.ofSeconds(6));

        assertThat(d.runOnce().status()).isEqualTo(RunOutcome.Status.EXPIRED);
        assertThat(tracing.span("process shop").getAttributes().get(AttributeKey.booleanKey("actionqueues.expired")))
                .isTrue();
    }
}
