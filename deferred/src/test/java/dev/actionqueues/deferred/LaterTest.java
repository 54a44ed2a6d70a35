package dev.actionqueues.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.deferred.spi.QueueCapabilities;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LaterTest {

    private final Fixture f = new Fixture();

    @Test
    void laterReturnsTheIdOfThePushedJob() {
        Deferrable d = f.deferrable();
        LaterResult r = d.register("t", String.class, s -> { }).later("x");
        assertThat(r.debounced()).isFalse();
        assertThat(r.delay()).isZero();
        assertThat(f.queue.list(0, 10)).singleElement().satisfies(j -> assertThat(j.id()).isEqualTo(r.jobId()));
    }

    @Test
    void delayAndDebounceTogetherAreRejected() {
        assertThatThrownBy(() -> TaskOptions.builder().delay(Duration.ofSeconds(1)).debounce(Duration.ofSeconds(1))
                .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay and debounce");
    }

    @Test
    void delayAndDebounceSuppliersTogetherAreRejectedEvenIfTheyWouldGiveZero() {
        assertThatThrownBy(() -> TaskOptions.builder().delay(() -> Duration.ZERO).debounce(() -> Duration.ZERO)
                .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay and debounce");
        TaskOptions.builder().delay(Duration.ZERO).debounce(Duration.ofSeconds(1)).build();
    }

    @Test
    void alwaysDelayWithoutADebounceWindowIsRejected() {
        assertThatThrownBy(() -> TaskOptions.builder().debounceAlwaysDelay(true).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("debounceAlwaysDelay");
    }

    @Test
    void aDelayOrDebounceLongerThanTheTtlIsRejectedAndEqualIsAllowed() {
        Duration ten = Duration.ofSeconds(10);
        assertThatThrownBy(() -> TaskOptions.builder().delay(ten.plusMillis(1)).ttl(ten).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TTL");
        assertThatThrownBy(() -> TaskOptions.builder().debounce(ten.plusMillis(1)).ttl(ten).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TTL");
        TaskOptions.builder().delay(ten).ttl(ten).build();
        TaskOptions.builder().debounce(ten).ttl(ten).build();
    }

    @Test
    void suppliedValuesAreEvaluatedOncePerCallAndValidatedAtLater() {
        Deferrable d = f.deferrable();
        AtomicInteger calls = new AtomicInteger();
        TaskHandle<String> t = d.register("dyn", String.class, TaskOptions.builder()
                .delay(() -> Duration.ofSeconds(calls.incrementAndGet() * 5L)).ttl(Duration.ofSeconds(10)).build(),
                s -> { });
        assertThat(t.later("a").delay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(t.later("b").delay()).isEqualTo(Duration.ofSeconds(10));
        assertThatThrownBy(() -> t.later("c")).isInstanceOf(IllegalArgumentException.class);
        assertThat(calls).hasValue(3);
        assertThat(f.queue.pushes).hasValue(2);
    }

    @Test
    void aDelayBeyondWhatTheBackendCanHoldIsRejected() {
        f.queue.capabilities = new QueueCapabilities(Duration.ofMinutes(15), 10, 256 * 1024, false, false, true);
        Deferrable d = f.deferrable();
        assertThatThrownBy(() -> d.register("far", String.class,
                TaskOptions.builder().delay(Duration.ofMinutes(16)).build(), s -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer than the backend can hold");
        TaskHandle<String> dynamic = d.register("far2", String.class,
                TaskOptions.builder().delay(() -> Duration.ofMinutes(16)).build(), s -> { });
        assertThatThrownBy(() -> dynamic.later("x")).isInstanceOf(IllegalArgumentException.class);
        d.register("ok", String.class, TaskOptions.builder().delay(Duration.ofMinutes(15)).build(), s -> { })
                .later("x");
        assertThat(f.queue.pushes).hasValue(1);
    }

    @Test
    void aPayloadOverTheLimitFailsBeforeAnyIo() {
        Deferrable d = f.deferrable();
        TaskHandle<String> t = d.register("big", String.class, s -> { });
        assertThatThrownBy(() -> t.later("x".repeat(256 * 1024)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("over the limit of 262144 bytes");
        assertThat(f.queue.pushes).hasValue(0);
        t.later("x".repeat(256 * 1024 - 500));
        assertThat(f.queue.pushes).hasValue(1);
    }

    @Test
    void thePayloadLimitIsConfigurable() {
        Deferrable d = f.builder().maxPayloadBytes(100).build();
        assertThatThrownBy(() -> d.register("small", String.class, s -> { }).later("x".repeat(100)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(f.queue.pushes).hasValue(0);
    }

    @Test
    void argumentsThatDoNotSerialiseFailAtTheProducer() {
        Deferrable d = f.deferrable();
        TaskHandle<Object> t = d.register("obj", Object.class, o -> { });
        assertThatThrownBy(() -> t.later(new Object())).isInstanceOf(IllegalArgumentException.class);
        assertThat(f.queue.pushes).hasValue(0);
    }

    @Test
    void taskNamesAreValidatedAndUnique() {
        Deferrable d = f.deferrable();
        d.register("a.b", String.class, s -> { });
        assertThatThrownBy(() -> d.register("a.b", String.class, s -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already registered");
        assertThatThrownBy(() -> d.register("has space", String.class, s -> { }))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.register("", String.class, s -> { })).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTaskCanBeDeferredWithADelay() {
        Deferrable d = f.deferrable();
        AtomicInteger runs = new AtomicInteger();
        LaterResult r = d.register("delayed", String.class, TaskOptions.builder().delay(Duration.ofSeconds(30)).build(),
                s -> runs.incrementAndGet()).later("x");
        assertThat(r.delay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.runOnce().status()).isEqualTo(RunOutcome.Status.EMPTY);
        f.time.advance(Duration.ofMillis(29_999));
        assertThat(d.runOnce().status()).isEqualTo(RunOutcome.Status.EMPTY);
        f.time.advance(Duration.ofMillis(1));
        assertThat(d.runOnce().status()).isEqualTo(RunOutcome.Status.RAN);
        assertThat(runs).hasValue(1);
    }
}
