package dev.actionqueues.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.spi.QueueStats;
import dev.actionqueues.redis.fault.ChildJvm;
import dev.actionqueues.redis.fault.Ledger;
import dev.actionqueues.redis.testing.SharedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker JVM killed with SIGKILL in the middle of 2,000 jobs, twice, and restarted: nothing is
 * lost, only jobs in flight at a kill run twice, and orphans run again within lease + reclaim.
 */
class RedisWorkerKillTest {

    private static final int JOBS = 2000;
    private static final long LEASE_MS = 2000;

    @Test
    void killedWorkersLoseNothingAndOnlyInFlightJobsRunTwice(@TempDir Path dir) throws Exception {
        String uri = SharedRedis.require();
        String prefix = "aqkill-" + UUID.randomUUID().toString().substring(0, 8);
        RedisClient client = RedisClient.create(uri);
        StatefulRedisConnection<String, String> c = client.connect();
        RedisBackendFactory factory = RedisBackendFactory.builder().uri(uri).keyPrefix(prefix).build();
        JobQueue queue = factory.createBackendForGroup("kill").queue();
        String inflightKey = RedisKeys.main(prefix, "kill").queueKeys()[3];
        Path ledger = dir.resolve("ledger.txt");
        Path log = dir.resolve("worker.log");
        Set<String> inFlightAtKills = new HashSet<>();
        try {
            for (int i = 0; i < JOBS; i++) {
                queue.push(NewJob.of("job-" + i, "{}"));
            }
            for (int threshold : new int[] {500, 1200}) {
                Process worker = startWorker(uri, prefix, ledger, log);
                await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(5))
                        .until(() -> lines(ledger) >= threshold);
                worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                Set<String> inFlight = new HashSet<>(c.sync().hkeys(inflightKey));
                assertThat(inFlight).as("jobs in flight at the kill").isNotEmpty();
                inFlightAtKills.addAll(inFlight);
            }
            long restart = System.nanoTime();
            Process last = startWorker(uri, prefix, ledger, log);
            try {
                await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                        .until(() -> Ledger.runs(ledger).keySet().containsAll(inFlightAtKills));
                Duration orphansBack = Duration.ofNanos(System.nanoTime() - restart);
                await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                        .until(() -> Ledger.runs(ledger).size() == JOBS && queue.stats().inFlight() == 0);
                // Child JVM start (~1 s) + lease + one reclaim pass.
                assertThat(orphansBack).isLessThan(Duration.ofMillis(LEASE_MS + 5000));
            } finally {
                last.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }

            Map<String, Integer> runs = Ledger.runs(ledger);
            Set<String> lost = new HashSet<>();
            for (int i = 0; i < JOBS; i++) {
                if (!runs.containsKey("job-" + i)) {
                    lost.add("job-" + i);
                }
            }
            Set<String> twice = runs.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                    .collect(Collectors.toSet());
            System.out.printf("kill test: %d jobs, lost %d, ran twice %d (in flight at the kills: %d)%n",
                    JOBS, lost.size(), twice.size(), inFlightAtKills.size());
            assertThat(lost).isEmpty();
            assertThat(inFlightAtKills).containsAll(twice);
            assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, 0));
        } finally {
            var all = c.sync().keys(prefix + ":*");
            if (!all.isEmpty()) {
                c.sync().del(all.toArray(String[]::new));
            }
            factory.close();
            c.close();
            client.shutdown();
        }
    }

    private static Process startWorker(String uri, String prefix, Path ledger, Path log) throws Exception {
        return ChildJvm.start(LedgerWorker.class, log, uri, prefix, "kill", ledger.toString(), "4",
                Long.toString(LEASE_MS), "5");
    }

    private static long lines(Path ledger) throws Exception {
        if (!Files.exists(ledger)) {
            return 0;
        }
        try (var s = Files.lines(ledger)) {
            return s.count();
        }
    }
}
