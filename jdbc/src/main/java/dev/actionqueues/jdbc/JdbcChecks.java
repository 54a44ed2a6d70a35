package dev.actionqueues.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;

/** Argument checks of the PostgreSQL queues (all before any I/O), and a transaction helper. */
final class JdbcChecks {

    private JdbcChecks() {
    }

    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} in a transaction: its own, committed at once, if {@code c} is in auto-commit
     * mode (which it is left in); else the one open on {@code c}, which the owner commits.
     */
    static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        if (!c.getAutoCommit()) {
            return work.run();
        }
        c.setAutoCommit(false);
        try {
            T result = work.run();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    static long micros(Duration d) {
        return d.getSeconds() * 1_000_000L + d.getNano() / 1_000;
    }

    static void batch(int size) {
        if (size > JdbcJobQueue.MAX_BATCH) {
            throw new IllegalArgumentException("batch size must be between 0 and " + JdbcJobQueue.MAX_BATCH
                    + ", was " + size);
        }
    }

    static void claimSize(int max) {
        if (max < 1 || max > JdbcJobQueue.MAX_BATCH) {
            throw new IllegalArgumentException("max must be between 1 and " + JdbcJobQueue.MAX_BATCH + ", was "
                    + max);
        }
    }

    static void delay(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative() || delay.compareTo(JdbcJobQueue.MAX_DELAY) > 0) {
            throw new IllegalArgumentException("delay must be between 0 and " + JdbcJobQueue.MAX_DELAY + ", was "
                    + delay);
        }
    }

    static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }

    static void payload(String payload) {
        if ((long) payload.length() * 3 > JdbcJobQueue.MAX_PAYLOAD_BYTES
                && payload.getBytes(StandardCharsets.UTF_8).length > JdbcJobQueue.MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload exceeds " + JdbcJobQueue.MAX_PAYLOAD_BYTES + " bytes");
        }
        if (payload.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("PostgreSQL text cannot hold the NUL character (U+0000)");
        }
    }
}
