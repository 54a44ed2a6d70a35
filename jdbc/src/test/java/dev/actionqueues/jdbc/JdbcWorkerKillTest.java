package dev.actionqueues.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.jdbc.fault.Ledger;
import dev.actionqueues.jdbc.fault.WorkerJvm;
import dev.actionqueues.jdbc.fault.WorkerJvm.Work;
import dev.actionqueues.jdbc.testing.SharedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker JVMs (a Deferrable and its Worker on the PostgreSQL backend) killed with SIGKILL mid-run,
 * checked against a ledger table of executions that the queue never reads: no job is lost, and
 * only jobs leased at a kill (running, prefetched or ran but not yet completed) run twice.
 */
class JdbcWorkerKillTest {

    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final int JOBS = 1000;

    @TempDir
    Path dir;
    private SharedPostgres postgres;
    private Backend backend;
    private Deferrable producer;
    private TaskHandle<Work> work;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        postgres = SharedPostgres.require();
        JdbcBackendFactory factory = JdbcBackendFactory.builder().dataSource(postgres.dataSource()).build();
        Ledger.create(postgres.dataSource());
        backend = factory.createBackendForGroup("kill");
        producer = Deferrable.builder(backend).build();
        work = WorkerJvm.register(producer, w -> { });
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : started) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void workersKilledTwiceMidRunLoseNothingAndOnlyJobsInFlightRunTwice() throws Exception {
        List<Work> all = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            all.add(new Work("job-" + i));
        }
        for (int i = 0; i < JOBS; i += 100) {
            work.laterAll(all.subList(i, i + 100));
        }
        Set<String> inFlight = new HashSet<>();
        for (int threshold : new int[] {250, 600}) {
            Process worker = startWorker();
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(5))
                    .until(() -> Ledger.count(postgres.dataSource()) >= threshold);
            worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL
            Set<String> leased = leasedJobs();
            assertThat(leased).as("jobs leased at the kill").isNotEmpty();
            inFlight.addAll(leased);
        }
        long restart = System.nanoTime();
        Process last = startWorker();
        await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                .until(() -> backend.queue().stats().total() == 0);
        // A JVM start, one lease for the orphans, and the rest of the work: orphans do not wait long.
        assertThat(Duration.ofNanos(System.nanoTime() - restart)).isLessThan(LEASE.plusSeconds(20));
        last.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

        Map<String, Integer> runs = Ledger.runs(postgres.dataSource());
        Set<String> lost = all.stream().map(Work::id).filter(id -> !runs.containsKey(id)).collect(Collectors.toSet());
        Set<String> twice = runs.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        System.out.printf("JDBC kill test: %d jobs, 2 SIGKILLs, lost %d, ran twice %d, leased at the kills %d%n",
                JOBS, lost.size(), twice.size(), inFlight.size());
        assertThat(lost).as("lost jobs").isEmpty();
        assertThat(inFlight).as("jobs that ran twice were all leased at a kill").containsAll(twice);
        assertThat(runs.keySet()).as("nothing ran that was not enqueued").hasSize(JOBS);
        assertThat(producer.stats().errors()).isZero();
    }

    /**
     * Transactional completion under SIGKILL: the handler writes its ledger row and completes its
     * job in one transaction; for each {@code die-} job, the worker JVM is killed after both and
     * before the commit. PostgreSQL rolls both back, the job runs again on the next worker, and
     * every job's effect is written exactly once.
     */
    @Test
    void aWorkerKilledBetweenTheHandlersWriteAndItsCommitLeavesNeitherAndTheRetryWritesOnce() throws Exception {
        Backend txBackend = JdbcBackendFactory.builder().dataSource(postgres.dataSource()).build()
                .createBackendForGroup("killtx");
        Deferrable txProducer = Deferrable.builder(txBackend).build();
        TaskHandle<Work> txWork = WorkerJvm.register(txProducer, w -> { });
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(i % 6 == 0 ? "die-" + i : "ok-" + i);
        }
        txWork.laterAll(ids.stream().map(Work::new).toList());

        int workers = 0;
        while (txBackend.queue().stats().total() > 0 && workers < 12) {
            Process worker = startWorker("killtx", true);
            workers++;
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                    .until(() -> !worker.isAlive() || txBackend.queue().stats().total() == 0);
            worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }

        Map<String, Integer> runs = Ledger.runs(postgres.dataSource());
        System.out.printf("JDBC transactional kill test: %d jobs, %d killed between write and commit, %d worker"
                + " JVMs%n", ids.size(), ids.stream().filter(id -> id.startsWith("die-")).count(), workers);
        assertThat(txBackend.queue().stats().total()).as("all jobs done").isZero();
        for (String id : ids) {
            assertThat(runs.get(id)).as("ledger rows of %s", id).isEqualTo(1);
        }
        assertThat(txProducer.stats().errors()).isZero();
    }

    private Process startWorker() throws Exception {
        return startWorker("kill", false);
    }

    private Process startWorker(String group, boolean transactional) throws Exception {
        var credentials = postgres.credentials();
        Process p = WorkerJvm.start(new WorkerJvm.Settings(postgres.url(), credentials.getProperty("user"),
                credentials.getProperty("password"), postgres.schema(), group, transactional ? 1 : 4,
                transactional ? 0 : 8, LEASE, Duration.ofMillis(3), transactional), dir.resolve("worker.log"));
        started.add(p);
        return p;
    }

    /** The work ids of the jobs whose rows are leased: the killed worker's, until their leases run out. */
    private Set<String> leasedJobs() throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection c = postgres.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT payload::json -> 'args' ->> 'id' FROM aq_jobs WHERE grp = 'kill' AND queue = 'main' AND state = 'leased'")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }
}
