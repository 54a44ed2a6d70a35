package dev.actionqueues.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.WorkerRecord;
import dev.actionqueues.jdbc.fault.Ledger;
import dev.actionqueues.jdbc.fault.SlowWorkerJvm;
import dev.actionqueues.jdbc.fault.WorkerJvm;
import dev.actionqueues.jdbc.fault.WorkerJvm.Work;
import dev.actionqueues.jdbc.testing.SharedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fast recovery from a dead worker on PostgreSQL: a worker JVM running jobs under the default 30 s
 * lease is SIGKILLed, and a live worker, seeing its heartbeat stop, reclaims its leases: every job
 * it held (running and prefetched) runs again on the live worker within 5 s of the kill, once, and
 * none is lost.
 */
class JdbcWorkerReclaimTest {

    private static final Duration GOAL = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    private SharedPostgres postgres;
    private JdbcBackendFactory factory;
    private Backend backend;
    private Deferrable producer;
    private TaskHandle<Work> work;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        postgres = SharedPostgres.require();
        factory = JdbcBackendFactory.builder().dataSource(postgres.dataSource()).build();
        Ledger.create(postgres.dataSource());
        backend = factory.createBackendForGroup("reclaim");
        producer = Deferrable.builder(backend).build();
        work = WorkerJvm.register(producer, w -> { });
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : started) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (factory != null) {
            factory.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @ParameterizedTest(name = "prefetch {0}")
    @ValueSource(ints = {0, 4})
    void aSigkilledWorkersJobsRunAgainOnTheLiveWorkerWithinFiveSecondsOfTheKill(int prefetch) throws Exception {
        int concurrency = 4;
        int jobs = concurrency + prefetch;
        var credentials = postgres.credentials();
        Process victim = SlowWorkerJvm.start(postgres.url(), credentials.getProperty("user"),
                credentials.getProperty("password"), postgres.schema(), "reclaim", concurrency, prefetch,
                dir.resolve("victim.log"));
        started.add(victim);
        await().atMost(60, TimeUnit.SECONDS).until(() -> backend.workerRegistry().list(GOAL).size() == 1);
        // In one batch, so that the victim's first claims see them all and fill its prefetch.
        List<Work> batch = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            batch.add(new Work("job-" + i));
        }
        work.laterAll(batch);
        // The victim runs (or holds ahead) every job, and its heartbeat lists them all.
        try {
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20)).until(() ->
                    Ledger.runs(postgres.dataSource()).size() == concurrency
                            && backend.workerRegistry().list(GOAL).get(0).leases().size() == jobs);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("started " + Ledger.runs(postgres.dataSource()) + ", workers "
                    + backend.workerRegistry().list(GOAL) + ", queue " + backend.queue().stats() + "; victim log:\n"
                    + String.join("\n", java.nio.file.Files.readAllLines(dir.resolve("victim.log"))), e);
        }

        Map<String, List<Long>> reruns = new ConcurrentHashMap<>();
        Deferrable survivorSide = Deferrable.builder(factory.createBackendForGroup("reclaim")).build();
        WorkerJvm.register(survivorSide, w ->
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
            System.out.printf("PostgreSQL reclaim (prefetch %d): %d jobs of a SIGKILLed worker re-ran %d-%d ms after"
                    + " the kill (goal %d ms, headroom %d ms; 30 s lease)%n", prefetch, jobs, fastest / 1_000_000,
                    worst.toMillis(), GOAL.toMillis(), GOAL.minus(worst).toMillis());
            assertThat(worst).as("kill -> last re-run start").isLessThan(GOAL);
            await().atMost(30, TimeUnit.SECONDS).until(() -> backend.queue().stats().total() == 0);
        }
        Map<String, Integer> victimRuns = Ledger.runs(postgres.dataSource());
        for (int i = 0; i < jobs; i++) {
            assertThat(reruns.get("job-" + i)).as("runs of job-%d on the live worker", i).hasSize(1);
        }
        assertThat(victimRuns.values()).as("the victim started each running job once").allMatch(n -> n == 1);
        assertThat(victimRuns).hasSize(concurrency);
        assertThat(backend.workerRegistry().list(GOAL)).as("the victim's record was taken over, the survivor's"
                + " removed at its shutdown").isEmpty();
        assertThat(producer.stats().errors()).isZero();
    }
}
