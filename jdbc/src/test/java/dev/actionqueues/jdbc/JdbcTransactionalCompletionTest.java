package dev.actionqueues.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.JobContext;
import dev.actionqueues.deferred.RunOutcome;
import dev.actionqueues.deferred.TaskDescriptor;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.spi.QueueStats;
import dev.actionqueues.jdbc.testing.PostgresSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Transactional completion: a handler's database writes and its job's completion commit or roll
 * back together, so work that stays in the database takes effect exactly once.
 */
class JdbcTransactionalCompletionTest {

    record Credit(String account, int cents) {
    }

    @RegisterExtension
    static final PostgresSchema DB = new PostgresSchema("aq_");

    private Backend backend;
    private Deferrable deferrable;

    @BeforeAll
    static void createTable() throws SQLException {
        try (Connection c = DB.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ledger (job_id TEXT NOT NULL, account TEXT NOT NULL, cents INT NOT NULL)");
        }
    }

    @BeforeEach
    void setUp() throws SQLException {
        try (Connection c = DB.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE ledger");
        }
        backend = DB.factory().createBackendForGroup("done-tx-" + System.nanoTime());
        deferrable = Deferrable.builder(backend).backoff(failures -> Duration.ofMillis(50)).build();
    }

    @Test
    void theHandlersWriteAndTheCompletionCommitTogether() throws SQLException {
        AtomicInteger contexts = new AtomicInteger();
        TaskHandle<Credit> credit = deferrable.register("credit", Credit.class, args -> {
            JobContext job = JobContext.current().orElseThrow();
            assertThat(job.task()).isEqualTo("credit");
            assertThat(job.attempt()).isEqualTo(1);
            contexts.incrementAndGet();
            try (Connection c = DB.dataSource().getConnection()) {
                c.setAutoCommit(false);
                write(c, job.jobId(), args);
                job.completeInTransaction(c);
                c.commit();
            }
        });
        String id = credit.later(new Credit("acme", 500)).jobId();

        assertThat(deferrable.runOnce().status()).isEqualTo(RunOutcome.Status.RAN);

        assertThat(contexts).hasValue(1);
        assertThat(ledger(id)).isEqualTo(1);
        assertThat(backend.queue().stats()).isEqualTo(new QueueStats(0, 0, 0));
        assertThat(JobContext.current()).isEmpty();
    }

    /**
     * The first attempt writes and completes in its transaction, then its connection dies before the
     * commit, as when the worker's JVM is killed: PostgreSQL rolls both back. The retry writes once.
     */
    @Test
    void aConnectionLostBetweenTheWriteAndTheCommitLeavesNeitherAndTheRetryWritesOnce() throws SQLException {
        AtomicInteger attempts = new AtomicInteger();
        TaskHandle<Credit> credit = deferrable.register("credit", Credit.class, args -> {
            JobContext job = JobContext.current().orElseThrow();
            attempts.incrementAndGet();
            try (Connection c = DB.dataSource().getConnection()) {
                c.setAutoCommit(false);
                write(c, job.jobId(), args);
                job.completeInTransaction(c);
                if (job.attempt() == 1) {
                    terminate(backendPid(c));
                }
                c.commit();
            }
        });
        String id = credit.later(new Credit("acme", 500)).jobId();

        assertThat(deferrable.runOnce().status()).isEqualTo(RunOutcome.Status.RETRIED);
        assertThat(ledger(id)).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> deferrable.runOnce().status() == RunOutcome.Status.RAN);

        assertThat(attempts).hasValue(2);
        assertThat(ledger(id)).isEqualTo(1);
        assertThat(backend.queue().stats()).isEqualTo(new QueueStats(0, 0, 0));
    }

    @Test
    void aWorkerCompletesInTheHandlersTransactionWithoutCompletingTwice() throws Exception {
        TaskHandle<Credit> credit = deferrable.register("credit", Credit.class, args -> {
            JobContext job = JobContext.current().orElseThrow();
            try (Connection c = DB.dataSource().getConnection()) {
                c.setAutoCommit(false);
                write(c, job.jobId(), args);
                job.completeInTransaction(c);
                c.commit();
            }
        });
        for (int i = 0; i < 200; i++) {
            credit.later(new Credit("acct-" + i, i));
        }
        Worker worker = Worker.builder(deferrable).concurrency(4).pollTimeout(Duration.ofMillis(200)).build();
        worker.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> ledgerRows() == 200
                    && backend.queue().stats().equals(new QueueStats(0, 0, 0)));
        } finally {
            worker.shutdown(Duration.ofSeconds(10));
        }
        assertThat(ledgerRows()).isEqualTo(200);
        assertThat(distinctJobs()).isEqualTo(200);
    }

    @Test
    void aLeaseTakenOverByAnotherConsumerCannotBeCompletedInATransaction() throws Exception {
        JobQueue queue = backend.queue();
        queue.push(NewJob.of("a", "{}"));
        Lease stale = queue.claim(Duration.ofMillis(100), Duration.ZERO).orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.claim(Duration.ofMinutes(1), Duration.ZERO).isPresent());
        try (Connection c = DB.dataSource().getConnection()) {
            c.setAutoCommit(false);
            assertThat(queue.joining(c).complete(stale)).isFalse();
            c.rollback();
        }
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 1, 0));
    }

    @Test
    void whileTheJobsTransactionHoldsItsRowRenewDoesNotWaitNorReportItLost() throws Exception {
        JobQueue queue = backend.queue();
        queue.push(NewJob.of("a", "{}"));
        Lease lease = queue.claim(Duration.ofMinutes(1), Duration.ZERO).orElseThrow();
        try (Connection c = DB.dataSource().getConnection()) {
            c.setAutoCommit(false);
            assertThat(queue.joining(c).complete(lease)).isTrue();

            Optional<Lease> renewed = CompletableFuture.supplyAsync(() -> queue.renew(lease, Duration.ofMinutes(1)))
                    .get(5, TimeUnit.SECONDS);
            assertThat(renewed).contains(lease);
            // A release waits for the job's transaction, then finds the job gone.
            CompletableFuture<Boolean> released =
                    CompletableFuture.supplyAsync(() -> queue.release(lease, "{}", Duration.ZERO));

            c.commit();
            assertThat(released.get(5, TimeUnit.SECONDS)).isFalse();
        }
        assertThat(queue.renew(lease, Duration.ofMinutes(1))).isEmpty();
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, 0));
    }

    @Test
    void completingTwiceInTheSameRunIsRefused() {
        deferrable.register("twice", Credit.class, args -> {
            JobContext job = JobContext.current().orElseThrow();
            try (Connection c = DB.dataSource().getConnection()) {
                job.completeInTransaction(c);
                assertThatThrownBy(() -> job.completeInTransaction(c)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("already completed");
            }
        });
        deferrable.task(TaskDescriptor.of("twice", Credit.class)).later(new Credit("a", 1));

        assertThat(deferrable.runOnce().status()).isEqualTo(RunOutcome.Status.RAN);
        assertThat(backend.queue().stats()).isEqualTo(new QueueStats(0, 0, 0));
    }

    private static void write(Connection c, String jobId, Credit credit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger VALUES (?, ?, ?)")) {
            ps.setString(1, jobId);
            ps.setString(2, credit.account());
            ps.setInt(3, credit.cents());
            ps.executeUpdate();
        }
    }

    private static int backendPid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Ends a server process from another connection, as a dead client's would end. */
    private static void terminate(int pid) throws SQLException {
        try (Connection c = DB.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?, 5000)")) {
            ps.setInt(1, pid);
            ps.executeQuery().close();
        }
    }

    private static int ledger(String jobId) throws SQLException {
        try (Connection c = DB.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM ledger WHERE job_id = ?")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static int ledgerRows() throws SQLException {
        return count("SELECT count(*) FROM ledger");
    }

    private static int distinctJobs() throws SQLException {
        return count("SELECT count(DISTINCT job_id) FROM ledger");
    }

    private static int count(String sql) throws SQLException {
        try (Connection c = DB.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
