package dev.actionqueues.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.deferred.RunOutcome.Status;
import dev.actionqueues.deferred.spi.QueueStats;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-call options and idempotent enqueue, on fake time. */
class LaterOptionsTest {

    private final Fixture f = new Fixture();
    private final Deferrable d = f.deferrable();
    private final List<String> ran = new ArrayList<>();
    private final TaskHandle<String> remind = d.register("remind", String.class, ran::add);

    @Test
    void aCallCanRunAtAGivenTimeByTheDeferrablesClock() {
        Instant nineTomorrow = f.time.instant().plus(Duration.ofHours(15));

        LaterResult r = remind.later("user 42", LaterOptions.runAt(nineTomorrow));

        assertThat(r.delay()).isEqualTo(Duration.ofHours(15));
        assertThat(f.queue.stats()).isEqualTo(new QueueStats(0, 0, 1));
        f.time.advance(Duration.ofHours(15).minusMillis(1));
        assertThat(d.runOnce().status()).isEqualTo(Status.EMPTY);
        f.time.advance(Duration.ofMillis(1));
        assertThat(d.runOnce().status()).isEqualTo(Status.RAN);
        assertThat(ran).containsExactly("user 42");
    }

    @Test
    void aTimeInThePastRunsAtOnceAndADelayOverridesTheTasks() {
        TaskHandle<String> later = d.register("later", String.class,
                TaskOptions.builder().delay(Duration.ofMinutes(10)).build(), ran::add);

        assertThat(remind.later("past", LaterOptions.runAt(f.time.instant().minusSeconds(5))).delay()).isZero();
        assertThat(later.later("sooner", LaterOptions.delay(Duration.ofSeconds(1))).delay())
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(later.later("task's").delay()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aCallsTtlOverridesTheTasks() {
        remind.later("stale", LaterOptions.ttl(Duration.ofSeconds(30)));
        f.time.advance(Duration.ofSeconds(31));

        assertThat(d.runOnce().status()).isEqualTo(Status.EXPIRED);
        assertThat(ran).isEmpty();
    }

    @Test
    void aSecondCallWithTheIdOfALiveJobStoresNothingAndReturnsThatJob() {
        LaterResult first = remind.later("once", LaterOptions.jobId("order-7:receipt"));
        LaterResult again = remind.later("twice", LaterOptions.jobId("order-7:receipt"));

        assertThat(first.jobId()).isEqualTo("order-7:receipt");
        assertThat(first.pushed()).isTrue();
        assertThat(again.duplicate()).isTrue();
        assertThat(again.pushed()).isFalse();
        assertThat(again.jobId()).isEqualTo("order-7:receipt");
        assertThat(f.queue.stats()).isEqualTo(new QueueStats(1, 0, 0));
        assertThat(f.eventTypes()).containsExactly(EventType.PUSH);

        assertThat(d.runOnce().status()).isEqualTo(Status.RAN);
        assertThat(ran).containsExactly("once");
        assertThat(remind.later("again", LaterOptions.jobId("order-7:receipt")).pushed())
                .as("the job finished: its id is free again").isTrue();
    }

    @Test
    void anIdStaysTakenWhileItsJobRunsAndWaitsForARetry() {
        TaskHandle<String> flaky = d.register("flaky", String.class, s -> {
            throw new IOException("down");
        });
        flaky.later("x", LaterOptions.jobId("flaky-1"));

        assertThat(d.runOnce().status()).isEqualTo(Status.RETRIED);
        assertThat(flaky.later("x", LaterOptions.jobId("flaky-1")).duplicate()).as("waiting for its retry").isTrue();
        assertThat(f.queue.stats()).isEqualTo(new QueueStats(0, 0, 1));
    }

    @Test
    void optionsAreCheckedBeforeAnyIo() {
        TaskHandle<String> debounced = d.register("debounced", String.class,
                TaskOptions.builder().debounce(Duration.ofSeconds(5)).build(), ran::add);

        assertThatThrownBy(() -> remind.later("x", LaterOptions.delay(Duration.ofSeconds(1)),
                LaterOptions.runAt(Instant.EPOCH))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> remind.later("x", LaterOptions.ttl(Duration.ofSeconds(1)),
                LaterOptions.ttl(Duration.ofSeconds(2)))).hasMessageContaining("ttl given twice");
        assertThatThrownBy(() -> remind.later("x", LaterOptions.delay(Duration.ofSeconds(10)),
                LaterOptions.ttl(Duration.ofSeconds(5)))).hasMessageContaining("TTL");
        assertThatThrownBy(() -> remind.later("x", LaterOptions.debounceKey("k")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no debounce window");
        assertThatThrownBy(() -> debounced.later("x", LaterOptions.jobId("j")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("debounced");
        assertThatThrownBy(() -> debounced.later("x", LaterOptions.delay(Duration.ofSeconds(1))))
                .hasMessageContaining("delay and debounce");
        assertThatThrownBy(() -> LaterOptions.jobId("has space")).hasMessageContaining("'has space'");
        assertThatThrownBy(() -> LaterOptions.jobId("a|b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LaterOptions.ttl(Duration.ZERO)).hasMessageContaining("positive");
        assertThatThrownBy(() -> LaterOptions.delay(Duration.ofSeconds(-1))).hasMessageContaining("negative");
        assertThat(f.queue.pushes).hasValue(0);
    }

    @Test
    void aDebounceKeyOptionCollapsesCallsLikeTheKeyedLater() {
        TaskHandle<String> debounced = d.register("debounced", String.class,
                TaskOptions.builder().debounce(Duration.ofSeconds(5)).build(), ran::add);

        LaterResult first = debounced.later("a", LaterOptions.debounceKey("user-1"));
        LaterResult second = debounced.later("b", LaterOptions.debounceKey("user-1"));
        LaterResult keyed = debounced.later("c", "user-1");

        assertThat(first.pushed()).isTrue();
        assertThat(second.debounced()).isTrue();
        assertThat(keyed.debounced()).isTrue();
    }
}
