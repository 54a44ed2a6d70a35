package dev.actionqueues.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.deferred.RunOutcome.Status;
import dev.actionqueues.retry.Backoff;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MetadataTest {

    record Trace(String traceId) {
    }

    private final Fixture f = new Fixture();
    private final AtomicReference<String> producerContext = new AtomicReference<>();
    private final List<Trace> consumed = new ArrayList<>();

    private MetadataProducerConsumer<Trace> trace() {
        return MetadataProducerConsumer.of("trace", Trace.class,
                () -> producerContext.get() == null ? null : new Trace(producerContext.get()), consumed::add);
    }

    @Test
    void theConsumerGetsTheProducersValueBeforeTheJobRuns() {
        Deferrable d = f.builder().metadata(trace()).build();
        List<String> seenInHandler = new ArrayList<>();
        TaskHandle<String> t = d.register("traced", String.class,
                s -> seenInHandler.add(consumed.get(consumed.size() - 1).traceId()));
        producerContext.set("req-123");
        t.later("x");
        producerContext.set("req-other");

        d.runOnce();

        assertThat(seenInHandler).containsExactly("req-123");
        assertThat(f.events).allSatisfy(e -> assertThat(e.metadata()).containsEntry("trace", new Trace("req-123")));
    }

    @Test
    void theConsumerRunsForEveryPoppedJobIncludingExpiredOnesAndGetsNullWhenNothingWasProduced() {
        Deferrable d = f.builder().metadata(trace()).build();
        AtomicInteger runs = new AtomicInteger();
        TaskHandle<String> t = d.register("ttl", String.class, TaskOptions.builder().ttl(Duration.ofSeconds(1)).build(),
                s -> runs.incrementAndGet());
        producerContext.set("expired-one");
        t.later("x");
        producerContext.set(null);
        f.time.advance(Duration.ofSeconds(2));
        assertThat(d.runOnce().status()).isEqualTo(Status.EXPIRED);
        t.later("y");
        d.runOnce();

        assertThat(consumed).containsExactly(new Trace("expired-one"), null);
        assertThat(runs).hasValue(1);
    }

    @Test
    void metadataIsNotReproducedOnRetries() {
        Deferrable d = f.builder().metadata(trace()).backoff(Backoff.none()).build();
        TaskHandle<String> t = d.register("retry", String.class, TaskOptions.builder().maxAttempts(3).build(), s -> {
            throw new IOException("again");
        });
        producerContext.set("original");
        t.later("x");
        producerContext.set("changed");
        d.runOnce();
        d.runOnce();
        assertThat(consumed).containsExactly(new Trace("original"), new Trace("original"));
    }

    @Test
    void aDuplicateNamespaceIsRejected() {
        Deferrable.Builder b = f.builder().metadata(trace());
        assertThatThrownBy(() -> b.metadata(trace())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("NAMESPACE trace is already in use");
        assertThatThrownBy(() -> MetadataProducerConsumer.of(" ", String.class, () -> "", s -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aConsumerThatThrowsFailsTheAttempt() {
        Deferrable d = f.builder().metadata(MetadataProducerConsumer.of("boom", String.class, () -> "v", s -> {
            throw new IllegalStateException("bad context");
        })).build();
        AtomicInteger runs = new AtomicInteger();
        d.register("t", String.class, TaskOptions.builder().maxAttempts(1).build(), s -> runs.incrementAndGet())
                .later("x");
        RunOutcome o = d.runOnce();
        assertThat(o.status()).isEqualTo(Status.ERRORED);
        assertThat(runs).hasValue(0);
    }
}
