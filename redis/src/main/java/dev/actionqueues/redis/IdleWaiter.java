package dev.actionqueues.redis;

import dev.actionqueues.deferred.BackendException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The idle wait of one queue's claimers, for when a claim found nothing. At most one thread at a time
 * blocks on Redis, on a connection of its own opened on first use: {@code BLMOVE} of the ready list onto
 * itself, which returns as soon as the list is non-empty and changes nothing. The other threads wait on a
 * local condition until that wait ends. A wait lasts at most {@link #MAX_WAIT}, and no longer than the last
 * empty claim said it would take for a delayed job or a lease to fall due, so an idle queue costs Redis
 * about two commands every {@code MAX_WAIT} and still wakes for a delayed job's due time.
 *
 * <p>Thread-safe; waiting threads park on a {@link ReentrantLock} condition, never a monitor.
 */
final class IdleWaiter implements AutoCloseable {

    /** The longest a thread waits before it looks again. */
    static final Duration MAX_WAIT = Duration.ofSeconds(5);

    private final String readyKey;
    private final Supplier<RedisOps> connections;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    private boolean blockerActive;
    private long generation;
    private RedisOps blocking;
    private volatile boolean closed;
    /** How long until the next delayed job or lease expiry, from the last empty claim; null if none. */
    private volatile Duration nextEvent;

    /** Creates the waiter for the ready list {@code readyKey}, blocking on connections from {@code connections}. */
    IdleWaiter(String readyKey, Supplier<RedisOps> connections) {
        this.readyKey = Objects.requireNonNull(readyKey, "readyKey");
        this.connections = Objects.requireNonNull(connections, "connections");
    }

    /** Records what the last empty claim said: how long until the next delayed job or lease expiry, if any. */
    void nextEvent(Optional<Duration> next) {
        nextEvent = next.orElse(null);
    }

    /** Returns whether {@link #close()} was called. */
    boolean isClosed() {
        return closed;
    }

    /**
     * Waits until the ready list may hold a job, for at most {@code remainingNanos}, {@link #MAX_WAIT} and the
     * time until the next event. Returns early when the waiter is closed, and at once after it was.
     *
     * @throws InterruptedException if interrupted while waiting or while connecting
     * @throws BackendException if the wait on Redis fails
     */
    void await(long remainingNanos) throws InterruptedException {
        long waitNanos = Math.min(remainingNanos, MAX_WAIT.toNanos());
        Duration next = nextEvent;
        if (next != null) {
            waitNanos = Math.min(waitNanos, Math.max(next.toNanos(), TimeUnit.MILLISECONDS.toNanos(1)));
        }
        awaitNanos(waitNanos);
    }

    private void awaitNanos(long nanos) throws InterruptedException {
        lock.lockInterruptibly();
        long seen = generation;
        try {
            if (closed) {
                return;
            }
            if (blockerActive) {
                long left = nanos;
                while (seen == generation && left > 0 && !closed) {
                    left = woken.awaitNanos(left);
                }
                return;
            }
            blockerActive = true;
        } finally {
            lock.unlock();
        }
        try {
            RedisOps conn = blockingConnection();
            if (conn == null) {
                if (closed) {
                    return;
                }
                throw new InterruptedException("interrupted while connecting to wait for a job");
            }
            Duration timeout = Duration.ofNanos(nanos);
            conn.setTimeout(timeout.plusSeconds(10));
            try {
                conn.awaitNonEmpty(timeout, readyKey);
            } catch (RedisCommandInterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedException("interrupted while waiting for a job");
            } catch (RedisException e) {
                throw new BackendException("Redis wait failed: " + e.getMessage(), e);
            }
        } finally {
            lock.lock();
            try {
                blockerActive = false;
                generation++;
                woken.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * The connection for blocking waits, opened on first use; null if the waiter is closed or the thread was
     * interrupted while connecting. A connection opened while {@link #close()} waited for the lock is closed
     * here: close() will find none to close.
     */
    private RedisOps blockingConnection() {
        lock.lock();
        try {
            if (closed) {
                return null;
            }
            if (blocking == null) {
                RedisOps opened;
                try {
                    opened = connections.get();
                } catch (RuntimeException e) {
                    if (Thread.currentThread().isInterrupted() || hasInterruptCause(e)) {
                        Thread.currentThread().interrupt();
                        return null;
                    }
                    throw e instanceof BackendException be ? be
                            : new BackendException("Redis connect failed: " + e.getMessage(), e);
                }
                if (closed) {
                    opened.close();
                    return null;
                }
                blocking = opened;
            }
            return blocking;
        } finally {
            lock.unlock();
        }
    }

    private static boolean hasInterruptCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    /** Wakes every waiting thread and closes the blocking connection; a thread blocked on it fails. */
    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            woken.signalAll();
            if (blocking != null) {
                blocking.close();
                blocking = null;
            }
        } finally {
            lock.unlock();
        }
    }
}
