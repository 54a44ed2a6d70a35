package dev.actionqueues.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.spi.CompleteAndNext;
import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceDecision;
import dev.actionqueues.deferred.spi.DebounceResult;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.spi.QueueStats;
import dev.actionqueues.jdbc.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL specifics the contract does not see: a custom prefix, complete-and-claim of an expired
 * lease, and debounce state on remove.
 */
class JdbcJobQueueTest {

    private static SharedPostgres postgres;
    private static JdbcBackendFactory factory;

    @BeforeAll
    static void connect() {
        postgres = SharedPostgres.require();
        factory = JdbcBackendFactory.builder().dataSource(postgres.dataSource()).tablePrefix("shop_q_").build();
    }

    @AfterAll
    static void cleanUp() throws SQLException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void theTablesCarryTheConfiguredPrefixAndCreatingThemTwiceIsHarmless() throws SQLException {
        JdbcBackendFactory.builder().dataSource(postgres.dataSource()).tablePrefix("shop_q_").build();
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class"
                        + " WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'S')")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("shop_q_debounce,shop_q_job_tokens,shop_q_jobs,shop_q_jobs_seq_seq,shop_q_sagas,shop_q_workers");
        }
    }

    @Test
    void completeAndClaimWithALeaseThatRanOutButWasNotReclaimedCompletesItAndDoesNotClaimIt() throws Exception {
        JobQueue queue = factory.createBackendForGroup("expired-done").queue();
        queue.push(NewJob.of("a", "1"));
        Lease lease = queue.claim(Duration.ofMillis(100), Duration.ZERO).orElseThrow();
        queue.push(NewJob.of("b", "2"));
        // The lease runs out on the database's clock: wait until that clock has passed it.
        await().atMost(Duration.ofSeconds(5)).until(() -> databaseNow().isAfter(lease.expiresAt()));

        CompleteAndNext r = queue.completeAndClaim(lease, 5, Duration.ofMinutes(1));

        assertThat(r.completed()).isTrue();
        assertThat(r.next()).extracting(Lease::jobId).containsExactly("b");
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 1, 0));
        queue.flush();
    }

    @Test
    void removingTheWaitingJobOfADebounceKeyLetsTheNextCallPush() {
        JobQueue queue = factory.createBackendForGroup("removed-pending").queue();
        Debounce d = new Debounce("k", Duration.ofMinutes(5), true);
        DebounceResult first = queue.pushDebounced(NewJob.of("a", "1"), d);
        assertThat(queue.pushDebounced(NewJob.of("b", "2"), d).decision()).isEqualTo(DebounceDecision.SKIP);

        assertThat(queue.remove(first.jobId())).isTrue();

        DebounceResult again = queue.pushDebounced(NewJob.of("c", "3"), d);
        assertThat(again.decision()).isEqualTo(DebounceDecision.PUSH_DELAYED);
        assertThat(again.jobId()).isEqualTo("c");
        queue.flush();
    }

    @Test
    void debounceKeysWhoseWindowIsOverAreDeletedByALaterDebouncedPush() throws Exception {
        JobQueue queue = factory.createBackendForGroup("pruned").queue();
        queue.pushDebounced(NewJob.of("a", "1"), new Debounce("old", Duration.ofMillis(100), false));
        queue.pushDebounced(NewJob.of("b", "2"), new Debounce("waiting", Duration.ofMillis(100), true));
        Lease started = queue.claim(Duration.ofMinutes(1), Duration.ZERO).orElseThrow();
        assertThat(started.jobId()).isEqualTo("a");
        assertThat(queue.complete(started)).isTrue();
        assertThat(debounceKeys("pruned")).isEqualTo(2);
        java.time.Instant over = databaseNow().plusMillis(150);
        await().atMost(Duration.ofSeconds(5)).until(() -> databaseNow().isAfter(over));

        // A new queue object prunes on its first debounced push (then at most once a minute).
        JobQueue later = factory.createBackendForGroup("pruned").queue();
        later.pushDebounced(NewJob.of("c", "3"), new Debounce("new", Duration.ofMinutes(1), false));

        // "old" is gone; "waiting" still has a waiting job, "new" was just pushed.
        assertThat(debounceKeys("pruned")).isEqualTo(2);
        assertThat(later.pushDebounced(NewJob.of("d", "4"), new Debounce("old", Duration.ofMillis(100), false))
                .decision()).isEqualTo(DebounceDecision.PUSH_NOW);
        queue.flush();
    }

    private static int debounceKeys(String group) throws SQLException {
        try (Connection c = postgres.dataSource().getConnection(); java.sql.PreparedStatement ps =
                c.prepareStatement("SELECT count(*) FROM shop_q_debounce WHERE grp = ?")) {
            ps.setString(1, group);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** The database's clock, which leases run on. */
    private static java.time.Instant databaseNow() throws SQLException {
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT clock_timestamp()")) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }
}
