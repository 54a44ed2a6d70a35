package dev.actionqueues.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.LaterOptions;
import dev.actionqueues.deferred.LaterResult;
import dev.actionqueues.deferred.RunOutcome;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.deferred.TaskOptions;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.QueueStats;
import dev.actionqueues.jdbc.testing.PostgresSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Enqueue inside the caller's transaction: a job exists if and only if the business write it
 * belongs to committed, with plain JDBC and under a Spring-managed transaction.
 */
class JdbcTransactionalEnqueueTest {

    record Order(int number) {
    }

    @RegisterExtension
    static final PostgresSchema DB = new PostgresSchema("aq_");

    private final Set<Integer> ran = ConcurrentHashMap.newKeySet();
    private Backend backend;
    private Deferrable deferrable;
    private TaskHandle<Order> ship;

    @BeforeAll
    static void createTable() throws SQLException {
        try (Connection c = DB.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (number INT PRIMARY KEY)");
        }
    }

    @BeforeEach
    void setUp() throws SQLException {
        try (Connection c = DB.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE orders");
        }
        backend = DB.factory().createBackendForGroup("tx-" + System.nanoTime());
        deferrable = Deferrable.builder(backend).build();
        ship = deferrable.register("ship", Order.class, TaskOptions.builder().debounce(Duration.ofMinutes(1)).build(),
                order -> ran.add(order.number()));
    }

    @Test
    void aThousandRolledBackEnqueuesLeaveNoJobAndAThousandCommittedOnesRunExactlyOnceEach() throws SQLException {
        TaskHandle<Order> plain = deferrable.register("ship-plain", Order.class, order -> ran.add(order.number()));
        Set<Integer> committed = new HashSet<>();
        try (Connection c = DB.dataSource().getConnection()) {
            c.setAutoCommit(false);
            for (int i = 0; i < 2000; i++) {
                insertOrder(c, i);
                plain.inTransaction(c).later(new Order(i));
                if (i % 2 == 0) {
                    c.commit();
                    committed.add(i);
                } else {
                    c.rollback();
                }
            }
        }
        assertThat(backend.queue().stats()).isEqualTo(new QueueStats(1000, 0, 0));

        int runs = 0;
        while (deferrable.runOnce().status() == RunOutcome.Status.RAN) {
            runs++;
        }

        assertThat(runs).isEqualTo(1000);
        assertThat(ran).isEqualTo(committed);
        assertThat(orders()).isEqualTo(1000);
    }

    @Test
    void laterAllJoinsTheTransactionAsOneBatch() throws SQLException {
        TaskHandle<Order> plain = deferrable.register("ship-all", Order.class, order -> ran.add(order.number()));
        List<Order> orders = IntStream.range(0, 1500).mapToObj(Order::new).toList();
        try (Connection c = DB.dataSource().getConnection()) {
            c.setAutoCommit(false);
            List<LaterResult> results = plain.inTransaction(c).laterAll(orders);
            assertThat(results).hasSize(1500);
            // Not committed yet: nobody else sees the jobs.
            assertThat(backend.queue().stats()).isEqualTo(new QueueStats(0, 0, 0));
            c.rollback();
            assertThat(backend.queue().stats()).isEqualTo(new QueueStats(0, 0, 0));
            plain.inTransaction(c).laterAll(orders, LaterOptions.delay(Duration.ofHours(1)));
            c.commit();
        }
        assertThat(backend.queue().stats()).isEqualTo(new QueueStats(0, 0, 1500));
    }

    @Test
    void aJobIdAndADebounceKeyHoldWithinTheTransactionAndVanishWithItsRollback() throws SQLException {
        TaskHandle<Order> plain = deferrable.register("ship-once", Order.class, order -> ran.add(order.number()));
        try (Connection c = DB.dataSource().getConnection()) {
            c.setAutoCommit(false);
            assertThat(plain.inTransaction(c).later(new Order(1), LaterOptions.jobId("order-1")).duplicate())
                    .isFalse();
            assertThat(plain.inTransaction(c).later(new Order(1), LaterOptions.jobId("order-1")).duplicate())
                    .isTrue();
            LaterResult first = ship.inTransaction(c).later(new Order(2));
            assertThat(first.debounced()).isFalse();
            assertThat(ship.inTransaction(c).later(new Order(2)).debounced()).isTrue();
            c.rollback();
        }
        assertThat(backend.queue().stats()).isEqualTo(new QueueStats(0, 0, 0));
        // The rolled-back debounce state is gone too: the next call is not debounced away.
        assertThat(ship.later(new Order(2)).debounced()).isFalse();
        assertThat(plain.later(new Order(1), LaterOptions.jobId("order-1")).duplicate()).isFalse();
    }

    @Test
    void anAutoCommitConnectionStoresEachJobAtOnce() throws SQLException {
        try (Connection c = DB.dataSource().getConnection()) {
            assertThat(c.getAutoCommit()).isTrue();
            ship.inTransaction(c).later(new Order(7));
            ship.inTransaction(c).later(new Order(7));
        }
        assertThat(backend.queue().stats().available() + backend.queue().stats().delayed()).isEqualTo(1);
    }

    @Test
    void underASpringManagedTransactionTheJobFollowsTheTransactionsOutcome() {
        TaskHandle<Order> plain = deferrable.register("ship-spring", Order.class, order -> ran.add(order.number()));
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(DB.dataSource()));

        tx.executeWithoutResult(status -> {
            Connection c = DataSourceUtils.getConnection(DB.dataSource());
            insertOrderUnchecked(c, 1);
            plain.inTransaction(c).later(new Order(1));
        });
        tx.executeWithoutResult(status -> {
            Connection c = DataSourceUtils.getConnection(DB.dataSource());
            insertOrderUnchecked(c, 2);
            plain.inTransaction(c).later(new Order(2));
            status.setRollbackOnly();
        });
        assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
            Connection c = DataSourceUtils.getConnection(DB.dataSource());
            insertOrderUnchecked(c, 3);
            plain.inTransaction(c).later(new Order(3));
            throw new IllegalStateException("the payment failed");
        })).hasMessage("the payment failed");

        while (deferrable.runOnce().status() == RunOutcome.Status.RAN) {
            // runs what committed
        }
        assertThat(ran).containsExactly(1);
    }

    @Test
    void aNullConnectionIsRefusedAtTheCall() {
        assertThatThrownBy(() -> ship.inTransaction(null)).isInstanceOf(NullPointerException.class);
    }

    private static void insertOrder(Connection c, int number) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders (number) VALUES (?)")) {
            ps.setInt(1, number);
            ps.executeUpdate();
        }
    }

    private static void insertOrderUnchecked(Connection c, int number) {
        try {
            insertOrder(c, number);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int orders() throws SQLException {
        try (Connection c = DB.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM orders")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
