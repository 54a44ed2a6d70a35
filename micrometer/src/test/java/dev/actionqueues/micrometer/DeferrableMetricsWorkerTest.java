package dev.actionqueues.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.testkit.FakeTime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The meters fed by a worker's threads, and the depth gauges while the backend fails. */
class DeferrableMetricsWorkerTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void aWorkersConcurrentRunsAreCountedAndShownActiveWhileTheyRun() throws Exception {
        Backend backend = InMemoryBackendFactory.create().createBackendForGroup("work");
        DeferrableMetrics metrics = DeferrableMetrics.builder(backend).build();
        metrics.bindTo(registry);
        Deferrable deferrable = Deferrable.builder(backend).hostName("t").listener(metrics).build();
        CountDownLatch fourRunning = new CountDownLatch(4);
        CountDownLatch release = new CountDownLatch(1);
        TaskHandle<Integer> t = deferrable.register("n", Integer.class, n -> {
            if (n < 4) {
                fourRunning.countDown();
                release.await();
            }
        });
        for (int i = 0; i < 20; i++) {
            t.later(i);
        }

        try (Worker worker = Worker.builder(deferrable).concurrency(4).prefetch(2)
                .shutdownTimeout(Duration.ofSeconds(5)).build().start()) {
            assertThat(fourRunning.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(registry.get(MeterNames.JOBS_ACTIVE).tags("task", "n").longTaskTimer().activeTasks())
                    .isEqualTo(4);
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> worker.processed() == 20);
        }

        assertThat(registry.get(MeterNames.JOBS_COMPLETED).tags("task", "n", "outcome", "success").counter()
                .count()).isEqualTo(20);
        assertThat(registry.get(MeterNames.JOBS_EXECUTION).tags("task", "n", "outcome", "success").timer().count())
                .isEqualTo(20);
        assertThat(registry.get(MeterNames.JOBS_WAIT).tags("task", "n").timer().count()).isEqualTo(20);
        assertThat(registry.get(MeterNames.JOBS_ACTIVE).tags("task", "n").longTaskTimer().activeTasks()).isZero();
    }

    @Test
    void theDepthGaugesKeepTheirLastValuesWhileTheBackendFails() {
        FakeTime time = new FakeTime();
        Backend memory = InMemoryBackendFactory.create(time).createBackendForGroup("flaky");
        AtomicBoolean down = new AtomicBoolean();
        JobQueue failing = (JobQueue) Proxy.newProxyInstance(JobQueue.class.getClassLoader(),
                new Class<?>[] {JobQueue.class}, (proxy, method, args) -> {
                    if (down.get() && method.getName().equals("stats")) {
                        throw new IllegalStateException("backend down");
                    }
                    try {
                        return method.invoke(memory.queue(), args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Backend backend = new Backend("flaky", failing, memory.errorQueue());
        DeferrableMetrics metrics = DeferrableMetrics.builder(backend).clock(time).build();
        metrics.bindTo(registry);
        Deferrable deferrable = Deferrable.builder(backend).clock(time).build();
        TaskHandle<Integer> t = deferrable.register("n", Integer.class, n -> { });
        t.later(1);
        assertThat(registry.get(MeterNames.QUEUE_DEPTH).tags("state", "waiting").gauge().value()).isEqualTo(1);

        down.set(true);
        t.later(2);
        time.advance(DeferrableMetrics.DEFAULT_DEPTH_REFRESH);
        assertThat(registry.get(MeterNames.QUEUE_DEPTH).tags("state", "waiting").gauge().value())
                .as("the last value read").isEqualTo(1);

        down.set(false);
        assertThat(registry.get(MeterNames.QUEUE_DEPTH).tags("state", "waiting").gauge().value())
                .as("the failed read waits out the interval too").isEqualTo(1);
        time.advance(DeferrableMetrics.DEFAULT_DEPTH_REFRESH);
        assertThat(registry.get(MeterNames.QUEUE_DEPTH).tags("state", "waiting").gauge().value()).isEqualTo(2);
    }
}
