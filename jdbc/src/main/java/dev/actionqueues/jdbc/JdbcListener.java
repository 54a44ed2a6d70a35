package dev.actionqueues.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes idle claims when jobs arrive: one daemon thread holds one connection of the data source
 * that {@code LISTEN}s on the factory's channel, and turns each notification (its payload is a
 * group name) into a signal that the group's waiting claims see. It starts with the first wait and
 * stops, returning its connection, after a minute without one. While its connection is down it
 * reconnects with a growing pause (up to 5 s) and {@link #listening()} is false, so claims poll;
 * on reconnecting it wakes every waiter, since notifications sent meanwhile are lost. A
 * notification is only a hint: a woken claim that finds nothing waits again. Thread-safe.
 */
final class JdbcListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcBackendFactory.class);
    private static final Duration IDLE_STOP = Duration.ofMinutes(1);
    private static final int RECEIVE_TIMEOUT_MILLIS = 500;

    private final DataSource dataSource;
    private final String channel;
    private final ConcurrentHashMap<String, Signal> signals = new ConcurrentHashMap<>();
    private final Object lifecycle = new Object();
    private Thread thread;
    private long lastUse;
    private volatile boolean listening;
    private volatile boolean closed;

    /**
     * @param channel a validated identifier (the table prefix and {@code jobs})
     */
    JdbcListener(DataSource dataSource, String channel) {
        this.dataSource = dataSource;
        this.channel = channel;
    }

    /**
     * A value that changes whenever {@code group} is signalled; read it before looking for jobs.
     * Starts the listening thread if it is not running.
     */
    long generation(String group) {
        ensureRunning();
        return signal(group).generation();
    }

    /**
     * Waits up to {@code nanos} for a signal of {@code group} newer than {@code seen}; returns false
     * at once, without waiting, if no connection listens now (the caller polls instead).
     */
    boolean await(String group, long seen, long nanos) throws InterruptedException {
        if (!listening) {
            return false;
        }
        signal(group).await(seen, nanos);
        return true;
    }

    /** Whether a connection listens now. */
    boolean listening() {
        return listening;
    }

    /** Stops listening and returns the connection; waits stop waiting for signals. */
    @Override
    public void close() {
        Thread t;
        synchronized (lifecycle) {
            closed = true;
            t = thread;
            thread = null;
        }
        if (t != null) {
            t.interrupt();
        }
        signals.values().forEach(Signal::bump);
    }

    private Signal signal(String group) {
        return signals.computeIfAbsent(group, g -> new Signal());
    }

    private void ensureRunning() {
        synchronized (lifecycle) {
            lastUse = System.nanoTime();
            if (thread == null && !closed) {
                thread = Thread.ofPlatform().daemon().name("actionqueues-pg-listener-" + channel).start(this::run);
            }
        }
    }

    /** True (and the thread forgotten) if nothing waited for a while; the next wait starts a new one. */
    private boolean idleStop() {
        synchronized (lifecycle) {
            if (closed || System.nanoTime() - lastUse > IDLE_STOP.toNanos()) {
                if (thread == Thread.currentThread()) {
                    thread = null;
                }
                return true;
            }
            return false;
        }
    }

    private void run() {
        long pauseMillis = 100;
        boolean down = false;
        while (!closed) {
            try (Connection c = dataSource.getConnection()) {
                if (!c.getAutoCommit()) {
                    c.setAutoCommit(true);
                }
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + channel);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                listening = true;
                if (down) {
                    LOG.info("PostgreSQL backend: listening on channel {} again", channel);
                    down = false;
                }
                pauseMillis = 100;
                signals.values().forEach(Signal::bump);
                while (!idleStop()) {
                    PGNotification[] received = pg.getNotifications(RECEIVE_TIMEOUT_MILLIS);
                    if (received != null) {
                        for (PGNotification n : received) {
                            signal(n.getParameter()).bump();
                        }
                    }
                }
                listening = false;
                // The connection goes back to the pool: it must not go on collecting notifications.
                try (Statement s = c.createStatement()) {
                    s.execute("UNLISTEN *");
                }
                return;
            } catch (SQLException e) {
                listening = false;
                if (closed || idleStop()) {
                    return;
                }
                if (!down) {
                    LOG.warn("PostgreSQL backend: listening on channel {} failed ({}); idle claims poll until it"
                            + " reconnects", channel, JdbcSession.describe(e));
                    down = true;
                }
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException interrupted) {
                    return;
                }
                pauseMillis = Math.min(pauseMillis * 2, 5_000);
            } finally {
                listening = false;
            }
        }
    }

    /** A counter and a condition: a waiter returns once the counter moved past what it saw. */
    private static final class Signal {

        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private long generation;

        long generation() {
            lock.lock();
            try {
                return generation;
            } finally {
                lock.unlock();
            }
        }

        void bump() {
            lock.lock();
            try {
                generation++;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void await(long seen, long nanos) throws InterruptedException {
            lock.lock();
            try {
                long left = nanos;
                while (generation == seen && left > 0) {
                    left = changed.awaitNanos(left);
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
