package dev.actionqueues.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.Action;
import dev.actionqueues.ActionFailedException;
import dev.actionqueues.ActionQueue;
import dev.actionqueues.ActionRetryException;
import dev.actionqueues.sequential.SequentialExecutor;
import dev.actionqueues.testkit.FakeTime;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The action-queue and sequential-executor counters after scripted runs, with exact counts. */
class ActionQueueAndSequentialMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FakeTime time = new FakeTime();

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void actionQueuesCountExecutesRetriesRollbacksAndFailedRollbacks() {
        ActionQueueMetrics metrics = ActionQueueMetrics.of("checkout", Tags.of("service", "shop"));
        metrics.bindTo(registry);
        AtomicInteger reserveCalls = new AtomicInteger();
        Action reserve = Action.of(() -> {
            if (reserveCalls.incrementAndGet() < 3) {
                throw new ActionRetryException(100);
            }
        }, () -> { });
        Action charge = Action.of(() -> { }, () -> {
            throw new IOException("refund failed");
        });
        Action ship = Action.of(() -> {
            throw new IOException("no courier");
        }, () -> { });

        ActionQueue ok = ActionQueue.builder().sleeper(time).listener(metrics).build().add(() -> { }).add(() -> { });
        ok.run();
        ActionQueue failing = ActionQueue.builder().sleeper(time).listener(metrics).build()
                .add(reserve).add(charge).add(ship);
        assertThatThrownBy(failing::run).isInstanceOf(ActionFailedException.class);

        assertThat(count(MeterNames.ACTIONS_EXECUTED, "queue", "checkout", "service", "shop", "outcome", "success"))
                .as("two of the first queue, reserve and charge").isEqualTo(4);
        assertThat(count(MeterNames.ACTIONS_EXECUTED, "outcome", "failure")).isEqualTo(1);
        assertThat(count(MeterNames.ACTIONS_RETRIES, "phase", "execute")).isEqualTo(2);
        assertThat(count(MeterNames.ACTIONS_RETRIES, "phase", "rollback")).isZero();
        assertThat(count(MeterNames.ACTIONS_ROLLED_BACK, "queue", "checkout")).as("ship and reserve").isEqualTo(2);
        assertThat(count(MeterNames.ACTIONS_ROLLBACK_FAILED, "queue", "checkout")).as("charge").isEqualTo(1);
    }

    @Test
    void theSequentialExecutorCountsAttemptsSuccessesAndGiveUps() throws Exception {
        SequentialExecutorMetrics metrics = SequentialExecutorMetrics.of("outbox");
        metrics.bindTo(registry);
        AtomicInteger calls = new AtomicInteger();
        SequentialExecutor executor = SequentialExecutor.builder().sleeper(time).maxAttempts(3).listener(metrics)
                .build();
        executor.start();
        executor.schedule(() -> calls.incrementAndGet() >= 2);
        executor.schedule(() -> {
            throw new IOException("always");
        });
        executor.schedule(() -> true);
        assertThat(executor.flush(Duration.ofSeconds(10))).isTrue();
        executor.stop();

        assertThat(count(MeterNames.SEQUENTIAL_ATTEMPTS, "executor", "outbox")).as("2 + 3 + 1").isEqualTo(6);
        assertThat(count(MeterNames.SEQUENTIAL_SUCCEEDED, "executor", "outbox")).isEqualTo(2);
        assertThat(count(MeterNames.SEQUENTIAL_GAVE_UP, "executor", "outbox")).isEqualTo(1);
    }

    @Test
    void namesMustNotBeBlankAndABinderBindsOnce() {
        assertThatThrownBy(() -> ActionQueueMetrics.of(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SequentialExecutorMetrics.of("")).isInstanceOf(IllegalArgumentException.class);
        ActionQueueMetrics metrics = ActionQueueMetrics.of("q");
        metrics.bindTo(registry);
        assertThatThrownBy(() -> metrics.bindTo(registry)).isInstanceOf(IllegalStateException.class);
    }
}
