package dev.actionqueues.deferred;

import static dev.actionqueues.deferred.EventType.COMPLETE;
import static dev.actionqueues.deferred.EventType.LEASE_LOST;
import static dev.actionqueues.deferred.EventType.POP;
import static dev.actionqueues.deferred.EventType.PUSH;
import static dev.actionqueues.deferred.EventType.RETRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.retry.Backoff;
import dev.actionqueues.testkit.FakeTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The two event details added for metrics: the enqueue time on POP, and LEASE_LOST. */
class MetricsEventsTest {

    private final Fixture f = new Fixture();

    private List<JobEvent> of(EventType type) {
        return f.events.stream().filter(e -> e.type() == type).toList();
    }

    @Test
    void popCarriesTheTimeOfLaterAndThenTheDueTimeOfTheRetry() {
        Deferrable d = f.deferrable();
        Instant start = f.time.instant();
        d.register("flaky", String.class, TaskOptions.builder().backoff(Backoff.constant(Duration.ofSeconds(10)))
                .build(), s -> {
                    throw new IllegalStateException("once");
                }).later("x");
        f.time.advance(Duration.ofSeconds(3));
        d.runOnce();
        f.time.advance(Duration.ofSeconds(10));
        d.runOnce();

        assertThat(of(POP)).extracting(JobEvent::enqueuedAt)
                .containsExactly(start, start.plusSeconds(3 + 10));
        assertThat(of(PUSH)).extracting(JobEvent::enqueuedAt).containsOnlyNulls();
        assertThat(of(RETRY)).extracting(JobEvent::enqueuedAt).containsOnlyNulls();
    }

    @Test
    void theSevenArgumentConstructorLeavesTheEnqueueTimeNull() {
        JobEvent e = new JobEvent(PUSH, "id", "t", 0, Duration.ZERO, java.util.Map.of(), null);
        assertThat(e.enqueuedAt()).isNull();
    }

    @Test
    void aRunThatOutlivesItsLeaseReportsLeaseLostBeforeComplete() {
        Deferrable d = f.builder().leaseDuration(Duration.ofSeconds(5)).build();
        d.register("slow", String.class, s -> {
            f.time.advance(Duration.ofSeconds(6));
            // Another consumer takes the job whose lease ran out.
            assertThat(f.memory.queue().claim(Duration.ofSeconds(5), Duration.ZERO)).isPresent();
        }).later("x");

        d.runOnce();

        assertThat(f.eventTypes()).containsExactly(PUSH, POP, LEASE_LOST, COMPLETE);
        assertThat(of(LEASE_LOST).get(0).task()).isEqualTo("slow");
    }

    @Test
    void aRetryWhoseLeaseWasLostReportsLeaseLostBeforeTheRetry() {
        Deferrable d = f.builder().leaseDuration(Duration.ofSeconds(5)).build();
        d.register("slowThenFails", String.class, s -> {
            f.time.advance(Duration.ofSeconds(6));
            assertThat(f.memory.queue().claim(Duration.ofSeconds(5), Duration.ZERO)).isPresent();
            throw new IllegalStateException("late failure");
        }).later("x");

        d.runOnce();

        assertThat(f.eventTypes()).containsExactly(PUSH, POP, LEASE_LOST, RETRY, COMPLETE);
    }

    @Test
    void aWorkerThatCompletesAJobWhoseLeaseWasLostReportsLeaseLost() {
        FakeTime time = new FakeTime();
        Backend backend = InMemoryBackendFactory.create(time).createBackendForGroup("lost");
        List<JobEvent> events = new CopyOnWriteArrayList<>();
        Deferrable d = Deferrable.builder(backend).clock(time).hostName("t").listener(events::add).build();
        d.register("slow", String.class, s -> {
            time.advance(Duration.ofMinutes(1));
            assertThat(backend.queue().claim(Duration.ofMinutes(5), Duration.ZERO)).isPresent();
        }).later("x");

        try (Worker worker = Worker.builder(d).concurrency(1).leaseDuration(Duration.ofSeconds(30))
                .shutdownTimeout(Duration.ofSeconds(5)).build().start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(e -> e.type() == LEASE_LOST));
        }

        JobEvent lost = events.stream().filter(e -> e.type() == LEASE_LOST).findFirst().orElseThrow();
        assertThat(lost.jobId()).isEqualTo(events.get(0).jobId());
        assertThat(lost.task()).as("not decoded again on the worker's completion path").isNull();
    }
}
