package dev.actionqueues.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.ErrorEntry;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.redis.fault.EngineWorkerProcess;
import dev.actionqueues.redis.fault.Work;
import dev.actionqueues.redis.testing.SharedRedis;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 1,000 malformed entries written straight into the queue's Redis list among 1,000 good jobs, run
 * by a Worker: every malformed one ends in the error queue with a reason, every good one runs, and
 * the worker survives. The entries include delivery counts that are not small integers (an int's
 * maximum, a fraction), a job without arguments and the bare wake-up marker.
 */
class RedisMalformedEntriesTest {

    @Test
    void malformedEntriesEndInTheErrorQueueAndGoodJobsAllRun() throws Exception {
        String prefix = "aqmalformed-" + UUID.randomUUID().toString().substring(0, 8);
        RedisClient client = RedisClient.create(SharedRedis.require());
        try (RedisBackendFactory factory = RedisBackendFactory.builder().uri(SharedRedis.url()).keyPrefix(prefix).build();
                var raw = client.connect()) {
            Backend backend = factory.createBackendForGroup("g");
            Deferrable deferrable = Deferrable.builder(backend).build();
            Set<String> ran = ConcurrentHashMap.newKeySet();
            TaskHandle<Work> work = EngineWorkerProcess.register(deferrable, 3, w -> ran.add(w.id()));
            String ready = RedisKeys.main(prefix, "g").ready();
            String[] garbage = {
                "", "not json at all", "{\"method\":\"cPickle...\"}", "v1|", "v1||0|x", "v2|a|0|{}",
                "v1|bad-json-%d|0|{\"task\":", "v1|unknown-task-%d|0|{\"v\":1,\"task\":\"nope\",\"args\":{}}",
                "v1|wrong-type-%d|0|{\"v\":1,\"task\":\"work\",\"args\":[1,2,3]}", "\u0000\u0001\u00ff binary",
                "v1|overflow-%d|2147483647|{\"v\":1,\"task\":\"work\",\"args\":{\"id\":\"x\"}}",
                "v1|fraction-%d|1.5|{\"v\":1,\"task\":\"work\",\"args\":{\"id\":\"x\"}}",
                "v1|no-args-%d|0|{\"v\":1,\"task\":\"work\",\"attempts\":0}", "~"};
            for (int i = 0; i < 1000; i++) {
                work.later(new Work("good-" + i));
                String g = garbage[i % garbage.length];
                // The bare wake-up marker stays bare: it must not vanish nor leave the counts wrong.
                raw.sync().lpush(ready, g.contains("%d") ? g.formatted(i) : g.equals("~") ? g : g + "#" + i);
            }
            try (Worker worker = Worker.builder(deferrable).concurrency(4).build().start()) {
                await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50))
                        .until(() -> ran.size() == 1000 && deferrable.stats().errors() == 1000);
                assertThat(worker.isRunning()).isTrue();
            }
            List<ErrorEntry> errors = deferrable.errors(0, 1000);
            assertThat(errors).hasSize(1000).allSatisfy(e -> assertThat(e.error().reason()).isNotBlank());
            assertThat(backend.queue().stats().total()).isZero();
        } finally {
            try (var c = client.connect()) {
                var keys = c.sync().keys(prefix + ":*");
                if (!keys.isEmpty()) {
                    c.sync().del(keys.toArray(String[]::new));
                }
            }
            client.shutdown();
        }
    }
}
