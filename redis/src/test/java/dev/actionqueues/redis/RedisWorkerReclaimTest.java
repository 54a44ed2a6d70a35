package dev.actionqueues.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.WorkerRecord;
import dev.actionqueues.redis.fault.ChildJvm;
import dev.actionqueues.redis.fault.EngineWorkerProcess;
import dev.actionqueues.redis.fault.Ledger;
import dev.actionqueues.redis.fault.SlowWorkerProcess;
import dev.actionqueues.redis.fault.Work;
import dev.actionqueues.redis.testing.SharedRedis;
import io.lettuce.core.RedisClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fast recovery from a dead worker on Redis: a worker JVM running jobs under the default 30 s lease
 * is SIGKILLed, and a live worker, seeing its heartbeat stop, reclaims its leases: every job it held
 * (running and prefetched) runs again on the live worker within 5 s of the kill, once, and none is lost.
 */
class RedisWorkerReclaimTest {

    private static final Duration GOAL = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    private String prefix;
    private RedisBackendFactory factory;
    private Backend backend;
    private Deferrable producer;
    private TaskHandle<Work> work;
    private String uri;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void setUp() {
        uri = SharedRedis.require();
        prefix = "aqreclaim-" + UUID.randomUUID().toString().substring(0, 8);
        factory = RedisBackendFactory.builder().uri(uri).keyPrefix(prefix).build();
        backend = factory.createBackendForGroup("reclaim");
        producer = Deferrable.builder(backend).build();
        work = EngineWorkerProcess.register(producer, 3, w -> { });
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        factory.close();
        RedisClient client = RedisClient.create(uri);
        try (var raw = client.connect()) {
            var keys = raw.sync().keys(prefix + ":*");
            if (!keys.isEmpty()) {
                raw.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }

    @ParameterizedTest(name = "prefetch {0}")
    @ValueSource(ints = {0, 4})
    void aSigkilledWorkersJobsRunAgainOnTheLiveWorkerWithinFiveSecondsOfTheKill(int prefetch) throws Exception {
        int concurrency = 4;
        int jobs = concurrency + prefetch;
        Path ledger = dir.resolve("ledger.txt");
        Process victim = ChildJvm.start(SlowWorkerProcess.class, dir.resolve("victim.log"), uri, prefix, "reclaim",
                ledger.toString(), Integer.toString(concurrency), Integer.toString(prefetch));
        started.add(victim);
        await().atMost(60, TimeUnit.SECONDS).until(() -> backend.workerRegistry().list(GOAL).size() == 1);
        // In one batch, so that the victim's first claims see them all and fill its prefetch.
        List<Work> batch = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            batch.add(new Work("job-" + i));
        }
        work.laterAll(batch);
        // The victim runs (or holds ahead) every job, and its heartbeat lists them all.
        await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20)).until(() ->
                Ledger.runs(ledger).size() == concurrency
                        && backend.workerRegistry().list(GOAL).get(0).leases().size() == jobs);

        Map<String, List<Long>> reruns = new ConcurrentHashMap<>();
        Deferrable survivorSide = Deferrable.builder(factory.createBackendForGroup("reclaim")).build();
        EngineWorkerProcess.register(survivorSide, 3, w ->
                reruns.computeIfAbsent(w.id(), k -> new CopyOnWriteArrayList<>()).add(System.nanoTime()));
        try (Worker survivor = Worker.builder(survivorSide).concurrency(concurrency).build().start()) {
            String survivorName = survivor.registryName().orElseThrow();
            await().atMost(30, TimeUnit.SECONDS).until(() -> backend.workerRegistry().list(GOAL).stream()
                    .map(WorkerRecord::name).toList().contains(survivorName));

            long kill = System.nanoTime();
            victim.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10))
                    .until(() -> reruns.size() == jobs);

            long slowest = 0;
            long fastest = Long.MAX_VALUE;
            for (List<Long> at : reruns.values()) {
                slowest = Math.max(slowest, at.get(0) - kill);
                fastest = Math.min(fastest, at.get(0) - kill);
            }
            Duration worst = Duration.ofNanos(slowest);
            System.out.printf("Redis reclaim (prefetch %d): %d jobs of a SIGKILLed worker re-ran %d-%d ms after the"
                    + " kill (goal %d ms, headroom %d ms; 30 s lease)%n", prefetch, jobs, fastest / 1_000_000,
                    worst.toMillis(), GOAL.toMillis(), GOAL.minus(worst).toMillis());
            assertThat(worst).as("kill -> last re-run start").isLessThan(GOAL);
            await().atMost(30, TimeUnit.SECONDS).until(() -> backend.queue().stats().total() == 0);
        }
        Map<String, Integer> victimRuns = Ledger.runs(ledger);
        for (int i = 0; i < jobs; i++) {
            assertThat(reruns.get("job-" + i)).as("runs of job-%d on the live worker", i).hasSize(1);
        }
        assertThat(victimRuns.values()).as("the victim started each running job once").allMatch(n -> n == 1);
        assertThat(victimRuns).hasSize(concurrency);
        assertThat(backend.workerRegistry().list(GOAL)).as("the victim's record was taken over, the survivor's"
                + " removed at its shutdown").isEmpty();
        assertThat(producer.stats().errors()).isZero();
    }

    /**
     * A worker paused (SIGSTOP) past the dead-worker threshold is taken for dead: its jobs run again
     * on the live worker; once resumed (SIGCONT) it finishes them too, but its completions are stale
     * and rejected, and its next heartbeat registers it again. At-least-once: each job ran twice,
     * and the queue ends empty with nothing lost.
     */
    @Test
    void aPausedWorkersJobsAreReclaimedAndItsLateCompletionsAreStale() throws Exception {
        int jobs = 2;
        Path ledger = dir.resolve("ledger.txt");
        Process victim = ChildJvm.start(SlowWorkerProcess.class, dir.resolve("victim.log"), uri, prefix, "reclaim",
                ledger.toString(), Integer.toString(jobs), "0", "6000");
        started.add(victim);
        await().atMost(60, TimeUnit.SECONDS).until(() -> backend.workerRegistry().list(GOAL).size() == 1);
        String victimName = backend.workerRegistry().list(GOAL).get(0).name();
        work.laterAll(List.of(new Work("a"), new Work("b")));
        await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20)).until(() ->
                Ledger.runs(ledger).size() == jobs
                        && backend.workerRegistry().list(GOAL).get(0).leases().size() == jobs);

        Map<String, List<Long>> reruns = new ConcurrentHashMap<>();
        Deferrable survivorSide = Deferrable.builder(factory.createBackendForGroup("reclaim")).build();
        EngineWorkerProcess.register(survivorSide, 3, w ->
                reruns.computeIfAbsent(w.id(), k -> new CopyOnWriteArrayList<>()).add(System.nanoTime()));
        try (Worker survivor = Worker.builder(survivorSide).concurrency(jobs).build().start()) {
            signal("STOP", victim);
            long pause = System.nanoTime();
            await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10)).until(() -> reruns.size() == jobs);
            System.out.printf("Redis reclaim of a paused worker: its jobs re-ran %d ms after SIGSTOP%n",
                    (System.nanoTime() - pause) / 1_000_000);
            signal("CONT", victim);
            // Resumed, it registers again, finishes its jobs late (stale completions) and stays idle.
            await().atMost(30, TimeUnit.SECONDS).until(() -> backend.workerRegistry().list(GOAL).stream()
                    .anyMatch(r -> r.name().equals(victimName) && r.inFlight() == 0));
            assertThat(backend.queue().stats().total()).isZero();
        }
        assertThat(Ledger.runs(ledger)).as("the victim started each job once").containsOnlyKeys("a", "b");
        assertThat(reruns.get("a")).hasSize(1);
        assertThat(reruns.get("b")).hasSize(1);
        assertThat(java.nio.file.Files.readString(dir.resolve("victim.log")))
                .as("the resumed worker's completions were stale").contains("its lease had run out");
        assertThat(producer.stats().errors()).isZero();
    }

    private static void signal(String name, Process p) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }
}
