package dev.actionqueues.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.BackendException;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.redis.testing.RedisServerProcess;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A private durable redis-server (appendfsync always) killed with SIGKILL and restarted: every
 * acknowledged push survives, a push during the outage fails fast with a clear exception, and the
 * queue works again after the restart (its scripts are reloaded: a restarted server has none).
 */
class RedisRestartTest {

    @Test
    void acknowledgedJobsSurviveAServerCrashAndPushesDuringTheOutageFailLoudly() throws Exception {
        try (RedisServerProcess server = RedisServerProcess.startDurable();
                RedisBackendFactory factory = RedisBackendFactory.create(server.uri())) {
            JobQueue queue = factory.createBackendForGroup("restart").queue();
            for (int i = 0; i < 1000; i++) {
                queue.push(NewJob.of("j" + i, "p" + i));
            }
            Set<String> done = new HashSet<>();
            for (int i = 0; i < 300; i++) {
                Lease l = queue.claim(Duration.ofSeconds(30), Duration.ZERO).orElseThrow();
                assertThat(queue.complete(l)).isTrue();
                done.add(l.jobId());
            }

            server.kill();
            long start = System.nanoTime();
            assertThatThrownBy(() -> queue.push(NewJob.of("during-outage", "p")))
                    .isInstanceOf(BackendException.class).hasMessageContaining("Redis push failed");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

            server.restart();
            await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> queue.stats().available() == 700);

            Set<String> rest = new HashSet<>();
            while (true) {
                List<Lease> leases = queue.claimBatch(50, Duration.ofSeconds(30), Duration.ZERO);
                if (leases.isEmpty()) {
                    break;
                }
                for (Lease l : leases) {
                    assertThat(queue.complete(l)).isTrue();
                    assertThat(rest.add(l.jobId())).as("delivered once: %s", l.jobId()).isTrue();
                }
            }
            assertThat(rest).hasSize(700).doesNotContainAnyElementsOf(done).doesNotContain("during-outage");
        }
    }
}
