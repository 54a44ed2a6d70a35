package dev.actionqueues.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.LaterResult;
import dev.actionqueues.deferred.TaskDescriptor;
import dev.actionqueues.deferred.TaskOptions;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.testkit.RequiredService;
import dev.actionqueues.redis.RedisBackendFactory;
import dev.actionqueues.retry.Backoff;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request's trace crosses the Redis backend: a producer service calls later() inside the
 * request's span, a worker of another Deferrable (its own Redis connection) runs the job, fails it
 * once and runs the retry, each attempt in a span of the request's trace. Redis keeps its own time,
 * so the retry's backoff is short and real.
 */
class RedisJobTracingTest {

    private static final String GROUP = "mail";
    private final String prefix = "aqotel-" + UUID.randomUUID().toString().substring(0, 8);
    private final Tracing producerTracing = new Tracing();
    private final Tracing workerTracing = new Tracing();
    private RedisBackendFactory producerRedis;
    private RedisBackendFactory workerRedis;

    @BeforeEach
    void connect() {
        String url = RequiredService.redis();
        producerRedis = RedisBackendFactory.builder().uri(url).keyPrefix(prefix).build();
        workerRedis = RedisBackendFactory.builder().uri(url).keyPrefix(prefix).build();
    }

    @AfterEach
    void cleanUp() {
        producerTracing.close();
        workerTracing.close();
        if (producerRedis != null) {
            Backend backend = producerRedis.createBackendForGroup(GROUP);
            backend.queue().flush();
            backend.errorQueue().flush();
            producerRedis.close();
            workerRedis.close();
        }
    }

    @Test
    void theWorkerContinuesTheRequestsTraceAcrossRedisAndARetry() {
        JobTracing producerSide = JobTracing.builder(producerTracing.sdk, GROUP).build();
        Deferrable producer = Deferrable.builder(producerRedis.createBackendForGroup(GROUP))
                .metadata(producerSide.metadata()).listener(producerSide.listener()).build();
        JobTracing workerSide = JobTracing.builder(workerTracing.sdk, GROUP).childOfProducer(true).build();
        Deferrable consumer = Deferrable.builder(workerRedis.createBackendForGroup(GROUP))
                .metadata(workerSide.metadata()).listener(workerSide.listener()).build();
        AtomicInteger runs = new AtomicInteger();
        consumer.register(TaskDescriptor.of("welcome", String.class).withOptions(
                TaskOptions.builder().backoff(Backoff.constant(Duration.ofMillis(50))).build()), to -> {
                    if (runs.incrementAndGet() == 1) {
                        throw new IllegalStateException("smtp down");
                    }
                });

        Span request = producerTracing.sdk.getTracer("test").spanBuilder("POST /signup").startSpan();
        LaterResult pushed;
        try (Scope ignored = request.makeCurrent()) {
            pushed = producer.task(TaskDescriptor.of("welcome", String.class)).later("ada@example.com");
        } finally {
            request.end();
        }
        SpanContext requestContext = request.getSpanContext();

        try (Worker worker = Worker.builder(consumer).concurrency(1).shutdownTimeout(Duration.ofSeconds(5)).build()
                .start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> workerTracing.spans(SpanKind.CONSUMER).size() == 2);
        }

        SpanData send = producerTracing.span("send " + GROUP);
        assertThat(send.getParentSpanId()).isEqualTo(requestContext.getSpanId());
        assertThat(send.getAttributes().get(JobTracing.MESSAGE_ID)).isEqualTo(pushed.jobId());
        List<SpanData> attempts = workerTracing.spans(SpanKind.CONSUMER);
        assertThat(attempts).allSatisfy(p -> {
            assertThat(p.getName()).isEqualTo("process " + GROUP);
            assertThat(p.getTraceId()).isEqualTo(requestContext.getTraceId());
            assertThat(p.getParentSpanId()).isEqualTo(send.getSpanId());
            assertThat(p.getLinks()).singleElement()
                    .satisfies(l -> assertThat(l.getSpanContext().getSpanId()).isEqualTo(send.getSpanId()));
            assertThat(p.getAttributes().get(JobTracing.MESSAGE_ID)).isEqualTo(pushed.jobId());
            assertThat(p.getAttributes().get(JobTracing.DESTINATION)).isEqualTo(GROUP);
        });
        assertThat(attempts).extracting(p -> p.getStatus().getStatusCode())
                .containsExactly(StatusCode.ERROR, StatusCode.UNSET);
        assertThat(attempts.get(0).getAttributes().get(JobTracing.ERROR_TYPE))
                .isEqualTo(IllegalStateException.class.getName());
    }
}
