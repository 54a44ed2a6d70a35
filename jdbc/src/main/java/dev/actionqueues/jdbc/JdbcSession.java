package dev.actionqueues.jdbc;

import dev.actionqueues.deferred.BackendException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Runs a queue's statements: on the caller's connection when the queue joined one (never
 * committed, rolled back or closed here), else on a connection borrowed from the data source for
 * one call, committed if the pool hands out connections outside auto-commit, and returned at once.
 * SQL failures become {@link BackendException}s naming the call and the queue. Thread-safe when
 * pooled; a joined session is used on its connection's thread.
 */
final class JdbcSession {

    /** Platform threads for statements that an interrupt must not cut short; idle ones end after a minute. */
    private static final ExecutorService IO = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), Thread.ofPlatform().daemon().name("actionqueues-pg-io-", 0).factory());

    private final DataSource dataSource;
    private final Connection joined;
    private final String where;

    /**
     * @param joined the caller's connection, or null to borrow from {@code dataSource}
     * @param where what the statements work on, for messages ("on table …, group …")
     */
    JdbcSession(DataSource dataSource, Connection joined, String where) {
        this.dataSource = dataSource;
        this.joined = joined;
        this.where = where;
    }

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs an update; returns its row count. */
    int update(String verb, String statement, Binder binder) {
        return call(verb, c -> {
            try (PreparedStatement ps = c.prepareStatement(statement)) {
                binder.bind(ps);
                return ps.executeUpdate();
            }
        });
    }

    /** Runs a query (or a statement with {@code RETURNING}); returns its rows, mapped. */
    <T> List<T> query(String verb, String statement, Binder binder, RowMapper<T> mapper) {
        return call(verb, rows(statement, binder, mapper));
    }

    private static <T> Work<List<T>> rows(String statement, Binder binder, RowMapper<T> mapper) {
        return c -> {
            try (PreparedStatement ps = c.prepareStatement(statement)) {
                binder.bind(ps);
                List<T> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(mapper.map(rs));
                    }
                }
                return rows;
            }
        };
    }

    /**
     * Runs {@code work} on the joined connection, or on a borrowed one, committed and returned.
     *
     * <p>An interrupt of the calling thread cannot cut a statement short: on a virtual thread, an
     * interrupt closes the socket it reads from while the server goes on and commits (a claim would
     * then lease jobs to nobody until the leases ran out, a release would leave its job leased). So
     * a virtual thread hands the work to a platform thread and waits for its end whatever happens;
     * a pending interrupt is set again afterwards, for the caller to act on (a stopping worker gives
     * back what it claimed). A caller's joined connection is used on the caller's thread.
     */
    <T> T call(String verb, Work<T> work) {
        if (joined != null || !Thread.currentThread().isVirtual()) {
            return callHere(verb, work);
        }
        Future<T> result = IO.submit(() -> callHere(verb, work));
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private <T> T callHere(String verb, Work<T> work) {
        try {
            if (joined != null) {
                return work.run(joined);
            }
            try (Connection c = dataSource.getConnection()) {
                try {
                    T result = work.run(c);
                    if (!c.getAutoCommit()) {
                        c.commit();
                    }
                    return result;
                } catch (SQLException | RuntimeException e) {
                    if (!c.getAutoCommit()) {
                        c.rollback();
                    }
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new BackendException("PostgreSQL backend: " + verb + " " + where + " failed: " + describe(e), e);
        }
    }

    /** Describes a failure for a message: SQL state and the driver's text (which holds no password). */
    static String describe(SQLException e) {
        return "SQL state " + e.getSQLState() + ": " + e.getMessage();
    }
}
