package dev.actionqueues.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.deferred.BackendException;
import dev.actionqueues.redis.fault.EngineWorkerProcess;
import dev.actionqueues.redis.fault.Work;
import dev.actionqueues.redis.testing.RedisServerProcess;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A private durable redis-server (appendfsync always) killed with SIGKILL and restarted under a
 * running Worker: no acknowledged job is lost, enqueueing during the outage fails with a clear
 * exception, and the worker resumes within 5 s of the restart.
 */
class RedisRestartWorkerTest {

    @ParameterizedTest(name = "prefetch {0}")
    @ValueSource(ints = {0, 8})
    void workersResumeAfterARedisCrashAndNoAcknowledgedJobIsLost(int prefetch) throws Exception {
        try (RedisServerProcess server = RedisServerProcess.startDurable();
                RedisBackendFactory factory = RedisBackendFactory.create(server.uri())) {
            Deferrable deferrable = Deferrable.builder(factory.createBackendForGroup("restart")).build();
            Set<String> ran = ConcurrentHashMap.newKeySet();
            Set<String> threadsAfterRestart = ConcurrentHashMap.newKeySet();
            TaskHandle<Work> work = EngineWorkerProcess.register(deferrable, 5, w -> {
                Thread.sleep(2);
                if (w.id().startsWith("after-")) {
                    Thread.sleep(20);
                    threadsAfterRestart.add(Thread.currentThread().getName());
                }
                ran.add(w.id());
            });
            Set<String> acknowledged = new HashSet<>();
            for (int i = 0; i < 500; i++) {
                work.later(new Work("job-" + i));
                acknowledged.add("job-" + i);
            }
            Worker worker = Worker.builder(deferrable).concurrency(4).prefetch(prefetch).leaseDuration(Duration.ofSeconds(2))
                    .pollTimeout(Duration.ofMillis(500)).errorBackoff(Duration.ofMillis(100)).build().start();
            try {
                await().atMost(30, TimeUnit.SECONDS).until(() -> ran.size() >= 100);
                server.kill();
                assertThatThrownBy(() -> work.later(new Work("during-outage")))
                        .isInstanceOf(BackendException.class).hasMessageContaining("Redis");

                server.restart();
                long restarted = System.nanoTime();
                // The client reconnects on its own; until it has, a push fails at once (never silently).
                await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                        .until(() -> work.later(new Work("after-restart")) != null);
                acknowledged.add("after-restart");
                await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10))
                        .until(() -> ran.contains("after-restart") || ran.containsAll(acknowledged));
                Duration resumed = Duration.ofNanos(System.nanoTime() - restarted);
                await().atMost(60, TimeUnit.SECONDS).until(() -> ran.containsAll(acknowledged));
                // No dead threads: every one of the worker's 4 threads runs jobs after the restart.
                for (int i = 0; i < 40; i++) {
                    work.later(new Work("after-" + i));
                    acknowledged.add("after-" + i);
                }
                await().atMost(30, TimeUnit.SECONDS).until(() -> ran.containsAll(acknowledged));
                System.out.printf("restart test (prefetch %d): %d acknowledged, %d ran, resumed %d ms after the restart%n",
                        prefetch, acknowledged.size(), ran.size(), resumed.toMillis());
                assertThat(resumed).isLessThan(Duration.ofSeconds(5));
                assertThat(worker.isRunning()).isTrue();
                assertThat(threadsAfterRestart).hasSize(4);
                assertThat(ran).containsAll(acknowledged).doesNotContain("during-outage");
            } finally {
                worker.shutdown(Duration.ofSeconds(10));
            }
        }
    }
}
