package dev.actionqueues.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.ErrorEntry;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.redis.fault.ChildJvm;
import dev.actionqueues.redis.fault.EngineWorkerProcess;
import dev.actionqueues.redis.fault.Ledger;
import dev.actionqueues.redis.fault.Work;
import dev.actionqueues.redis.testing.SharedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker JVMs (a Deferrable and its Worker on the Redis backend) killed with SIGKILL, checked
 * against an independent ledger of executions kept outside Redis.
 */
class RedisWorkerKillTest {

    private static final long LEASE_MS = 2000;

    @TempDir
    Path dir;
    private String uri;
    private String prefix;
    private RedisBackendFactory factory;
    private Backend backend;
    private Deferrable producer;
    private TaskHandle<Work> work;
    private RedisClient client;
    private StatefulRedisConnection<String, String> raw;
    private final List<Process> started = new java.util.ArrayList<>();

    @BeforeEach
    void setUp() {
        uri = SharedRedis.require();
        prefix = "aqkill-" + UUID.randomUUID().toString().substring(0, 8);
        factory = RedisBackendFactory.builder().uri(uri).keyPrefix(prefix).build();
        backend = factory.createBackendForGroup("kill");
        producer = Deferrable.builder(backend).build();
        work = EngineWorkerProcess.register(producer, 3, w -> { });
        client = RedisClient.create(uri);
        raw = client.connect();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        var all = raw.sync().keys(prefix + ":*");
        if (!all.isEmpty()) {
            raw.sync().del(all.toArray(String[]::new));
        }
        raw.close();
        client.shutdown();
        factory.close();
    }

    @ParameterizedTest(name = "prefetch {0}")
    @ValueSource(ints = {0, 8})
    void workersKilledTwiceMidRunLoseNothingAndOnlyJobsInFlightRunTwice(int prefetch) throws Exception {
        int jobs = 2000;
        Path ledger = dir.resolve("ledger.txt");
        for (int i = 0; i < jobs; i++) {
            work.later(new Work("job-" + i));
        }
        String inflightKey = RedisKeys.main(prefix, "kill").queueKeys()[3];
        Set<String> inFlightJobIds = new HashSet<>();
        for (int threshold : new int[] {500, 1200}) {
            Process worker = startWorker(ledger, "none", 4, prefetch);
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(5))
                    .until(() -> lines(ledger) >= threshold);
            worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            Set<String> inFlight = new HashSet<>(raw.sync().hkeys(inflightKey));
            assertThat(inFlight).as("jobs in flight at the kill").isNotEmpty();
            inFlightJobIds.addAll(inFlight);
        }
        long restart = System.nanoTime();
        Process last = startWorker(ledger, "none", 4, prefetch);
        try {
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                    .until(() -> backend.queue().stats().total() == 0);
            Duration drained = Duration.ofNanos(System.nanoTime() - restart);
            // Child JVM start + one lease + the rest of the work: orphans are not left for long (the bound
            // is generous: on a 2-core machine busy with other builds this took 19 s once).
            assertThat(drained).isLessThan(Duration.ofMillis(LEASE_MS + 30_000));
        } finally {
            last.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }

        Map<String, Integer> runs = Ledger.runs(ledger);
        Set<String> lost = new HashSet<>();
        for (int i = 0; i < jobs; i++) {
            if (!runs.containsKey("job-" + i)) {
                lost.add("job-" + i);
            }
        }
        Set<String> twice = runs.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        System.out.printf("kill test (prefetch %d): %d jobs, lost %d, ran twice %d, jobs leased at the kills %d%n",
                prefetch, jobs, lost.size(), twice.size(), inFlightJobIds.size());
        assertThat(lost).isEmpty();
        assertThat(twice.size()).isLessThanOrEqualTo(inFlightJobIds.size());
        assertThat(producer.stats().errors()).isZero();
    }

    @Test
    void aJobThatKeepsKillingItsWorkerEndsInTheErrorQueueAfterItsMaxAttempts() throws Exception {
        // One worker thread, so only the poison job dies with each worker (with more threads, the
        // jobs in flight beside it die too, and are delivered again like it).
        Path ledger = dir.resolve("ledger.txt");
        work.later(new Work("poison"));
        for (int i = 0; i < 20; i++) {
            work.later(new Work("ok-" + i));
        }
        int starts = 0;
        Process survivor = null;
        while (survivor == null && starts < 8) {
            Process worker = startWorker(ledger, "poison", 1, 0);
            starts++;
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                    .until(() -> !worker.isAlive() || producer.stats().errors() > 0);
            if (worker.isAlive()) {
                survivor = worker;
            }
        }
        try {
            assertThat(survivor).as("a worker that survives once the poison job gave up; log:%n%s", log()).isNotNull();
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                    .until(() -> Ledger.runs(ledger).size() == 20);
        } finally {
            if (survivor != null) {
                survivor.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        List<ErrorEntry> errors = producer.errors(0, 10);
        assertThat(errors).singleElement().satisfies(e -> assertThat(e.error().reason()).contains("delivered"));
        // maxAttempts 3: the job is delivered 3 times (3 dead workers), the 4th delivery gives up.
        assertThat(starts).as("worker starts until the poison job gave up").isBetween(4, 5);
        assertThat(Ledger.runs(ledger)).doesNotContainKey("poison");
    }

    private Process startWorker(Path ledger, String poison, int concurrency, int prefetch) throws Exception {
        Process p = ChildJvm.start(EngineWorkerProcess.class, dir.resolve("worker.log"), uri, prefix, "kill",
                ledger.toString(), Integer.toString(concurrency), Long.toString(LEASE_MS), "5", poison, "3",
                Integer.toString(prefetch));
        started.add(p);
        return p;
    }

    private String log() throws Exception {
        Path log = dir.resolve("worker.log");
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
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
