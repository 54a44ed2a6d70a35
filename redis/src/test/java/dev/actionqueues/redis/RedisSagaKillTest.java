package dev.actionqueues.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.SagaHandle;
import dev.actionqueues.deferred.SagaStatus;
import dev.actionqueues.deferred.SagaView;
import dev.actionqueues.redis.fault.ChildJvm;
import dev.actionqueues.redis.fault.Ledger;
import dev.actionqueues.redis.fault.SagaWorkerProcess;
import dev.actionqueues.redis.fault.SagaWorkerProcess.Four;
import dev.actionqueues.redis.testing.RedisClock;
import dev.actionqueues.redis.testing.SharedRedis;
import io.lettuce.core.RedisClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable sagas on Redis with worker JVMs killed by SIGKILL at every position of a 4-step saga —
 * before and after each execute's effect (the latter: between the effect and its journal write),
 * before and after each compensation's effect — and a worker paused by SIGSTOP inside a step while
 * another takes the saga over. An effects ledger outside Redis, one line per call of an idempotency
 * key, shows what ran: each saga must end SUCCEEDED or COMPENSATED with every effect applied once
 * and undone once, and the only repeats those its crash position explains.
 */
class RedisSagaKillTest {

    private static final Duration LEASE = Duration.ofSeconds(2);

    @TempDir
    Path dir;
    private String uri;
    private String prefix;
    private RedisBackendFactory factory;
    private Deferrable producer;
    private SagaHandle<Four> four;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        uri = SharedRedis.require();
        prefix = "aqsagakill-" + UUID.randomUUID().toString().substring(0, 8);
        factory = RedisBackendFactory.builder().uri(uri).keyPrefix(prefix).build();
        producer = Deferrable.builder(factory.createBackendForGroup("sagas")).build();
        four = SagaWorkerProcess.register(producer, LEASE, (direction, step, ctx, args) -> {
            throw new AssertionError("the test's Deferrable runs no saga");
        });
        Files.createDirectories(dir.resolve("markers"));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        factory.close();
        RedisClient client = RedisClient.create(uri);
        try (var c = client.connect()) {
            RedisClock.deleteKeys(c.sync(), prefix);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aKillAtEveryPositionEndsEachSagaConsistentWithOnlyTheExplainedRepeats() throws Exception {
        Map<String, Four> sagas = new LinkedHashMap<>();
        sagas.put("control", new Four("none", false));
        for (String step : SagaWorkerProcess.STEPS) {
            sagas.put("exec-before-" + step, new Four("exec-before:" + step, false));
            sagas.put("exec-after-" + step, new Four("exec-after:" + step, false));
            sagas.put("comp-before-" + step, new Four("comp-before:" + step, true));
            sagas.put("comp-after-" + step, new Four("comp-after:" + step, true));
        }
        sagas.forEach((id, args) -> four.start(args, id));
        Path ledger = dir.resolve("effects.txt");

        int workers = 0;
        while (!allEnded(sagas.keySet()) && workers < 40) {
            Process worker = startWorker(ledger);
            workers++;
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50))
                    .until(() -> !worker.isAlive() || allEnded(sagas.keySet()));
            worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(allEnded(sagas.keySet())).as("every saga ended; worker log:%n%s", log()).isTrue();

        Map<String, Integer> calls = Ledger.runs(ledger);
        int repeats = 0;
        for (Map.Entry<String, Four> e : sagas.entrySet()) {
            String id = e.getKey();
            SagaView saga = producer.sagas().find(id).orElseThrow();
            Map<String, Integer> expected = expectedCalls(id, e.getValue());
            Map<String, Integer> actual = new HashMap<>();
            calls.forEach((key, n) -> {
                if (key.startsWith(id + ":")) {
                    actual.put(key, n);
                }
            });
            assertThat(saga.status()).as(id).isEqualTo(id.equals("control") ? SagaStatus.SUCCEEDED
                    : SagaStatus.COMPENSATED);
            assertThat(actual).as("effects of %s", id).isEqualTo(expected);
            repeats += actual.values().stream().mapToInt(n -> n - 1).sum();
        }
        // Only a compensation killed after its effect runs twice: 4 such sagas, one repeat each.
        assertThat(repeats).isEqualTo(4);
        System.out.printf("saga kill test: %d sagas, %d kills, %d worker JVMs, %d repeated effects%n",
                sagas.size(), sagas.size() - 1, workers, repeats);
    }

    /**
     * What the ledger must hold for a saga. Forwards, a kill stops step k started but unjournaled: it
     * is not idempotent, so it and the steps before it are compensated, each once (the compensation
     * of a step killed before its effect undoes nothing, but runs: compensations must be safe to
     * run then). Backwards (s4 failed for good), a compensation killed after its effect runs again.
     */
    private static Map<String, Integer> expectedCalls(String id, Four args) {
        Map<String, Integer> m = new HashMap<>();
        if (args.killAt().equals("none")) {
            for (String s : SagaWorkerProcess.STEPS) {
                m.put(id + ":" + s + ":execute", 1);
            }
            return m;
        }
        String where = args.killAt().substring(0, args.killAt().indexOf(':'));
        int k = Integer.parseInt(args.killAt().substring(args.killAt().length() - 1));
        if (!args.failLast()) {
            int executed = where.equals("exec-after") ? k : k - 1;
            for (int i = 1; i <= executed; i++) {
                m.put(id + ":s" + i + ":execute", 1);
            }
            for (int i = 1; i <= k; i++) {
                m.put(id + ":s" + i + ":compensate", 1);
            }
            return m;
        }
        for (int i = 1; i <= 3; i++) {
            m.put(id + ":s" + i + ":execute", 1);
        }
        for (int i = 1; i <= 4; i++) {
            m.put(id + ":s" + i + ":compensate", i == k && where.equals("comp-after") ? 2 : 1);
        }
        return m;
    }

    /**
     * A worker stopped (SIGSTOP) inside step s2, after its effect: its lease runs out, a second
     * worker takes the saga and compensates s2 and s1. When the first one continues, its late journal
     * write is rejected: the saga stays COMPENSATED and s3 never runs.
     */
    @Test
    void aPausedWorkersLateWriteIsRejected() throws Exception {
        four.start(new Four("pause-after:s2", false), "paused");
        Path ledger = dir.resolve("effects.txt");
        Process first = startWorker(ledger);
        await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                .until(() -> Ledger.runs(ledger).containsKey("paused:s2:execute"));
        signal("STOP", first);
        try {
            Process second = startWorker(ledger);
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50))
                    .until(() -> producer.sagas().find("paused").orElseThrow().status() == SagaStatus.COMPENSATED);
            second.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } finally {
            signal("CONT", first);
        }
        await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100))
                .until(() -> log().contains("its lease was lost"));

        SagaView saga = producer.sagas().find("paused").orElseThrow();
        assertThat(saga.status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(Ledger.runs(ledger)).isEqualTo(Map.of("paused:s1:execute", 1, "paused:s2:execute", 1,
                "paused:s2:compensate", 1, "paused:s1:compensate", 1));
    }

    /**
     * 1,000 sagas (one in ten fails at its last step) through 3 worker JVMs of 4 threads, 5 of them
     * killed along the way and replaced: every saga ends in a terminal status, none is stuck, and
     * the effects ledger agrees with each journal (a succeeded saga has each step's effect and no
     * compensation; a compensated one has each applied effect undone).
     */
    @Test
    void aThousandSagasThroughThreeWorkersWithFiveKillsAllEnd() throws Exception {
        int n = 1000;
        for (int i = 0; i < n; i++) {
            four.start(new Four("none", i % 10 == 0), "many-" + i);
        }
        Path ledger = dir.resolve("effects.txt");
        List<Process> workers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            workers.add(startWorker(ledger, 4));
        }
        java.util.Random random = new java.util.Random(42);
        for (int kill = 1; kill <= 5; kill++) {
            long target = (long) kill * n * 3 / 6;
            await().atMost(120, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                    .until(() -> lines(ledger) >= target);
            Process victim = workers.remove(random.nextInt(workers.size()));
            victim.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            workers.add(startWorker(ledger, 4));
        }
        await().atMost(180, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                .until(() -> ended(n) == n);

        Map<String, Integer> calls = Ledger.runs(ledger);
        Map<SagaStatus, Integer> statuses = new java.util.EnumMap<>(SagaStatus.class);
        for (int i = 0; i < n; i++) {
            String id = "many-" + i;
            SagaView saga = producer.sagas().find(id).orElseThrow();
            statuses.merge(saga.status(), 1, Integer::sum);
            for (SagaView.Step step : saga.steps()) {
                boolean executed = calls.containsKey(id + ":" + step.name() + ":execute");
                boolean undone = calls.containsKey(id + ":" + step.name() + ":compensate");
                if (saga.status() == SagaStatus.SUCCEEDED) {
                    assertThat(executed).as("%s %s executed", id, step.name()).isTrue();
                    assertThat(undone).as("%s %s not compensated", id, step.name()).isFalse();
                } else {
                    assertThat(saga.status()).as(id).isEqualTo(SagaStatus.COMPENSATED);
                    if (executed) {
                        assertThat(undone).as("%s %s undone", id, step.name()).isTrue();
                    }
                }
            }
            if (i % 10 == 0) {
                assertThat(saga.status()).as(id).isEqualTo(SagaStatus.COMPENSATED);
            }
        }
        long repeats = calls.values().stream().mapToInt(c -> c - 1).sum();
        System.out.printf("1,000 sagas, 3 workers, 5 kills: %s, %d repeated effects%n", statuses, repeats);
    }

    private int ended(int n) {
        int ended = 0;
        for (SagaStatus s : SagaStatus.values()) {
            if (s.isTerminal()) {
                ended += producer.sagas().list(s, 0, n).size();
            }
        }
        return ended;
    }

    private static long lines(Path ledger) throws Exception {
        if (!Files.exists(ledger)) {
            return 0;
        }
        try (var lines = Files.lines(ledger)) {
            return lines.count();
        }
    }

    private boolean allEnded(Iterable<String> ids) {
        for (String id : ids) {
            if (!producer.sagas().find(id).orElseThrow().status().isTerminal()) {
                return false;
            }
        }
        return true;
    }

    private Process startWorker(Path ledger) throws Exception {
        return startWorker(ledger, 1);
    }

    private Process startWorker(Path ledger, int concurrency) throws Exception {
        Process p = ChildJvm.start(SagaWorkerProcess.class, dir.resolve("worker.log"), uri, prefix, "sagas",
                ledger.toString(), dir.resolve("markers").toString(), Long.toString(LEASE.toMillis()),
                Integer.toString(concurrency));
        started.add(p);
        return p;
    }

    private static void signal(String signal, Process p) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor();
    }

    private String log() throws Exception {
        Path log = dir.resolve("worker.log");
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
