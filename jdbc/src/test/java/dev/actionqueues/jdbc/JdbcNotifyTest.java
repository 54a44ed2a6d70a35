package dev.actionqueues.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.jdbc.testing.SharedPostgres;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Idle claims wait on LISTEN/NOTIFY: they do not poll, a push wakes them long before the safety
 * poll, a delayed job wakes them when it falls due, the listener survives losing its connection,
 * and with notifications off claims poll. Each factory has its own prefix, hence its own channel.
 */
class JdbcNotifyTest {

    private static final Duration SLOW_SAFETY_POLL = Duration.ofMinutes(1);

    private static SharedPostgres postgres;

    @BeforeAll
    static void connect() {
        postgres = SharedPostgres.require();
    }

    @AfterAll
    static void cleanUp() throws SQLException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void anIdleClaimTakesAFewConnectionsWhereAPollingOneTakesDozens() throws Exception {
        CountingDataSource counted = new CountingDataSource(postgres.dataSource());
        try (JdbcBackendFactory listening = JdbcBackendFactory.builder().dataSource(counted).tablePrefix("nfa_")
                .safetyPoll(Duration.ofSeconds(1)).build();
                JdbcBackendFactory polling = JdbcBackendFactory.builder().dataSource(counted).tablePrefix("nfb_")
                        .notifications(false).build()) {
            JobQueue quiet = listening.createBackendForGroup("idle").queue();
            assertThat(quiet.capabilities().blockingClaim()).isTrue();
            quiet.claimBatch(1, Duration.ofMinutes(1), Duration.ofMillis(10));
            await().atMost(Duration.ofSeconds(10)).until(() -> listening.listener().listening());

            int before = counted.taken.get();
            assertThat(quiet.claimBatch(1, Duration.ofMinutes(1), Duration.ofSeconds(2))).isEmpty();
            int whileListening = counted.taken.get() - before;

            JobQueue busy = polling.createBackendForGroup("idle").queue();
            assertThat(busy.capabilities().blockingClaim()).isFalse();
            before = counted.taken.get();
            assertThat(busy.claimBatch(1, Duration.ofMinutes(1), Duration.ofSeconds(2))).isEmpty();
            int whilePolling = counted.taken.get() - before;

            // Listening: a claim and a look at the next due time per safety poll (2 or 3 of them).
            assertThat(whileListening).isLessThanOrEqualTo(8);
            // Polling every 50 ms.
            assertThat(whilePolling).isGreaterThanOrEqualTo(20);
        }
    }

    @Test
    void aPushWakesAWaitingClaimLongBeforeTheSafetyPoll() throws Exception {
        try (JdbcBackendFactory factory = JdbcBackendFactory.builder().dataSource(postgres.dataSource())
                .tablePrefix("nfc_").safetyPoll(SLOW_SAFETY_POLL).build()) {
            JobQueue queue = factory.createBackendForGroup("wake").queue();
            JobQueue other = factory.createBackendForGroup("other").queue();
            startListening(factory, queue);

            CompletableFuture<List<Lease>> claim = claimInBackground(queue, Duration.ofSeconds(40));
            other.push(NewJob.of("elsewhere", "x"));
            queue.push(NewJob.of("a", "1"));

            assertThat(claim.get(15, TimeUnit.SECONDS)).extracting(Lease::jobId).containsExactly("a");
        }
    }

    @Test
    void aDelayedJobWakesTheWaitingClaimWhenItFallsDue() throws Exception {
        try (JdbcBackendFactory factory = JdbcBackendFactory.builder().dataSource(postgres.dataSource())
                .tablePrefix("nfd_").safetyPoll(SLOW_SAFETY_POLL).build()) {
            JobQueue queue = factory.createBackendForGroup("due").queue();
            startListening(factory, queue);
            queue.push(new NewJob("later", "1", Duration.ofSeconds(1)));

            long start = System.nanoTime();
            List<Lease> claimed = queue.claimBatch(1, Duration.ofMinutes(1), Duration.ofSeconds(40));

            assertThat(claimed).extracting(Lease::jobId).containsExactly("later");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void theListenerReconnectsWhenItsConnectionIsKilledAndPushesWakeClaimsAgain() throws Exception {
        try (JdbcBackendFactory factory = JdbcBackendFactory.builder().dataSource(postgres.dataSource())
                .tablePrefix("nfe_").safetyPoll(SLOW_SAFETY_POLL).build()) {
            JobQueue queue = factory.createBackendForGroup("reconnect").queue();
            startListening(factory, queue);
            int first = listenerPid("nfe_jobs");

            terminate(first);
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                Integer pid = listenerPidOrNull("nfe_jobs");
                return pid != null && pid != first && factory.listener().listening();
            });

            CompletableFuture<List<Lease>> claim = claimInBackground(queue, Duration.ofSeconds(40));
            queue.push(NewJob.of("b", "2"));
            assertThat(claim.get(15, TimeUnit.SECONDS)).extracting(Lease::jobId).containsExactly("b");
        }
    }

    @Test
    void closingTheFactoryReturnsTheListeningConnection() throws Exception {
        JdbcBackendFactory factory = JdbcBackendFactory.builder().dataSource(postgres.dataSource())
                .tablePrefix("nff_").build();
        startListening(factory, factory.createBackendForGroup("closing").queue());

        factory.close();

        // The connection went back to the pool without listening (its last statement is UNLISTEN).
        await().atMost(Duration.ofSeconds(10)).until(() -> !factory.listener().listening()
                && listenerPidOrNull("nff_jobs") == null);
        // Claims keep working, by polling.
        JobQueue queue = factory.createBackendForGroup("closing").queue();
        queue.push(NewJob.of("c", "3"));
        assertThat(queue.claimBatch(1, Duration.ofMinutes(1), Duration.ofSeconds(5))).hasSize(1);
    }

    @Test
    void withNotificationsOffAClaimPollsAndStillGetsAJobPushedWhileItWaits() throws Exception {
        try (JdbcBackendFactory factory = JdbcBackendFactory.builder().dataSource(postgres.dataSource())
                .tablePrefix("nfg_").notifications(false).pollInterval(Duration.ofMillis(20)).build()) {
            assertThat(factory.listener()).isNull();
            JobQueue queue = factory.createBackendForGroup("polling").queue();
            CompletableFuture<List<Lease>> claim = claimInBackground(queue, Duration.ofSeconds(20));
            queue.push(NewJob.of("d", "4"));
            assertThat(claim.get(15, TimeUnit.SECONDS)).extracting(Lease::jobId).containsExactly("d");
        }
    }

    /** Makes the listener start and waits until its connection listens. */
    private static void startListening(JdbcBackendFactory factory, JobQueue queue) throws InterruptedException {
        queue.claimBatch(1, Duration.ofMinutes(1), Duration.ofMillis(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> factory.listener().listening());
    }

    private static CompletableFuture<List<Lease>> claimInBackground(JobQueue queue, Duration maxWait) {
        CompletableFuture<List<Lease>> claimed = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                claimed.complete(queue.claimBatch(1, Duration.ofMinutes(1), maxWait));
            } catch (Throwable e) {
                claimed.completeExceptionally(e);
            }
        });
        return claimed;
    }

    private static int listenerPid(String channel) throws SQLException {
        return Optional.ofNullable(listenerPidOrNull(channel)).orElseThrow();
    }

    /** The server process whose session listens on {@code channel} (its last statement was the LISTEN). */
    private static Integer listenerPidOrNull(String channel) throws SQLException {
        try (Connection c = postgres.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE query = ? ORDER BY backend_start DESC LIMIT 1")) {
            ps.setString(1, "LISTEN " + channel);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : null;
            }
        }
    }

    private static void terminate(int pid) throws SQLException {
        try (Connection c = postgres.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?, 5000)")) {
            ps.setInt(1, pid);
            ps.executeQuery().close();
        }
    }

    /** Counts the connections taken from a data source. */
    static final class CountingDataSource implements DataSource {

        final AtomicInteger taken = new AtomicInteger();
        private final DataSource delegate;

        CountingDataSource(DataSource delegate) {
            this.delegate = delegate;
        }

        @Override
        public Connection getConnection() throws SQLException {
            taken.incrementAndGet();
            return delegate.getConnection();
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            taken.incrementAndGet();
            return delegate.getConnection(user, password);
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return delegate.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            delegate.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            delegate.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return delegate.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return delegate.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return delegate.isWrapperFor(iface);
        }
    }
}
