package dev.actionqueues.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.deferred.spi.QueueStats;
import dev.actionqueues.jdbc.fault.WorkerJvm;
import dev.actionqueues.jdbc.fault.WorkerJvm.Work;
import dev.actionqueues.jdbc.testing.PostgresSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker shut down while its claim statement is still running on the server. The worker's
 * threads are virtual, and interrupting a virtual thread blocked in a socket read closes the
 * socket (JDK behaviour), so the shutdown's interrupt cuts the JDBC connection; the server does
 * not notice while the statement waits, runs the claim to its commit and leases the jobs to a
 * client that is gone. They then wait a whole lease (30 s by default) before anyone may run them,
 * after a clean shutdown. The test makes the claim wait deterministically: another connection
 * holds an EXCLUSIVE lock on the jobs table while the worker starts and stops.
 */
class JdbcShutdownInterruptTest {

    @RegisterExtension
    static final PostgresSchema DB = new PostgresSchema("stop_");

    @Test
    void aShutdownDuringAClaimLeavesNoJobLeasedToNobody() throws Exception {
        Deferrable deferrable = Deferrable.builder(DB.factory().createBackendForGroup("stop")).build();
        TaskHandle<Work> work = WorkerJvm.register(deferrable, w -> { });
        for (int i = 0; i < 3; i++) {
            work.later(new Work("job-" + i));
        }
        try (Connection locker = DB.dataSource().getConnection(); Statement s = locker.createStatement()) {
            locker.setAutoCommit(false);
            s.execute("LOCK TABLE stop_jobs IN EXCLUSIVE MODE"); // blocks claims (row locks), not reads
            Worker worker = Worker.builder(deferrable).concurrency(1).prefetch(4)
                    .leaseDuration(Duration.ofMinutes(2)).shutdownTimeout(Duration.ofSeconds(5)).build().start();
            await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10))
                    .until(() -> waitingForTheLock() > 0);
            worker.close();
            locker.commit(); // the claim of the closed connection goes on, on the server
        }
        await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10)).until(() -> waitingForTheLock() == 0
                && noActiveClaim());
        // The stopped worker's thread receives the claim's result after the shutdown gave up waiting
        // for it, and gives every job back: within seconds, not after the 2-minute lease.
        var queue = DB.factory().createBackendForGroup("stop").queue();
        await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                .until(() -> queue.stats().equals(new QueueStats(3, 0, 0)));
        System.out.println("after a shutdown during a claim: " + queue.stats());
        assertThat(queue.stats()).as("every job available again, none leased to the stopped worker")
                .isEqualTo(new QueueStats(3, 0, 0));
    }

    private static long waitingForTheLock() throws SQLException {
        return count("SELECT count(*) FROM pg_locks WHERE relation = 'stop_jobs'::regclass AND NOT granted");
    }

    private static boolean noActiveClaim() throws SQLException {
        return count("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%stop_jobs%'"
                + " AND pid <> pg_backend_pid()") == 0;
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = DB.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
