package dev.actionqueues.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.redis.testing.RedisServerProcess;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A private durable redis-server (appendfsync always) killed with SIGKILL and restarted: every
 * acknowledged push survives, a push during the outage fails fast with a clear exception, and the
 * store works again after the restart (its scripts are reloaded: a restarted server has none).
 */
class RedisRestartStoreTest {

    @Test
    void acknowledgedJobsSurviveAServerCrashAndPushesDuringTheOutageFailLoudly() throws Exception {
        try (RedisServerProcess server = RedisServerProcess.startDurable()) {
            RedisClient client = RedisClient.create(server.uri());
            client.setOptions(ClientOptions.builder().autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(2))).build());
            StatefulRedisConnection<String, String> connection = client.connect();
            RedisJobStore store = new RedisJobStore(new RedisKeys("aq", "restart"), RedisOps.of(connection),
                    () -> RedisOps.of(client.connect()));
            try {
                for (int i = 0; i < 1000; i++) {
                    store.push("j" + i, "p" + i, Duration.ZERO, 5);
                }
                Set<String> done = new HashSet<>();
                for (int i = 0; i < 300; i++) {
                    var c = store.claim(Duration.ofSeconds(30), 1).jobs().get(0);
                    assertThat(store.complete(c.id(), c.token())).isTrue();
                    done.add(c.id());
                }

                server.kill();
                long start = System.nanoTime();
                assertThatThrownBy(() -> store.push("during-outage", "p", Duration.ZERO, 5))
                        .isInstanceOf(RedisBackendException.class).hasMessageContaining("Redis push failed");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

                server.restart();
                await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                        .until(() -> store.counts().available() == 700);

                Set<String> rest = new HashSet<>();
                while (true) {
                    var jobs = store.claim(Duration.ofSeconds(30), 50).jobs();
                    if (jobs.isEmpty()) {
                        break;
                    }
                    for (var c : jobs) {
                        assertThat(store.complete(c.id(), c.token())).isTrue();
                        assertThat(rest.add(c.id())).as("delivered once: %s", c.id()).isTrue();
                    }
                }
                assertThat(rest).hasSize(700).doesNotContainAnyElementsOf(done).doesNotContain("during-outage");
            } finally {
                store.close();
                connection.close();
                client.shutdown();
            }
        }
    }
}
