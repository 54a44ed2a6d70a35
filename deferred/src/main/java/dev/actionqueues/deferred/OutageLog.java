package dev.actionqueues.deferred;

import dev.actionqueues.retry.Ticker;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a backend outage as one worker sees it, however many of its threads run into it: one WARN,
 * with the exception, at the first failed call; DEBUG for each failed call after it; one INFO with
 * the outage's duration, by the worker's {@link Ticker}, at the first success of a kind of call
 * that failed during the outage. A success of another kind does not end it, so a backend that
 * claims but cannot complete is one outage, not a WARN per job. Successes cost one volatile read
 * while the backend is up. Thread-safe.
 */
final class OutageLog {

    /** The kinds of calls a worker makes to the backend. */
    enum Call {
        CLAIM, COMPLETE, RENEW, RELEASE, HEARTBEAT;

        private int bit() {
            return 1 << ordinal();
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    /** An outage under way: when it started, by the ticker, how many calls failed, and of which kinds. */
    private static final class Outage {
        final long start;
        int failures;
        int failedCalls;

        Outage(long start) {
            this.start = start;
        }
    }

    private final String worker;
    private final Ticker ticker;
    private final ReentrantLock lock = new ReentrantLock();
    /** The outage under way, or null while the backend answers. Written, and its fields used, under the lock. */
    private volatile Outage current;

    OutageLog(String worker, Ticker ticker) {
        this.worker = worker;
        this.ticker = ticker;
    }

    /**
     * Reports a failed call to the backend.
     *
     * @param call the kind of call
     * @param doing what the call was for, as in "the backend failed while {@code doing}"
     * @param e the failure
     */
    void failed(Call call, String doing, RuntimeException e) {
        boolean started;
        int failures;
        long start;
        lock.lock();
        try {
            Outage o = current;
            started = o == null;
            if (started) {
                o = new Outage(ticker.read());
                current = o;
            }
            o.failures++;
            o.failedCalls |= call.bit();
            failures = o.failures;
            start = o.start;
        } finally {
            lock.unlock();
        }
        if (started) {
            LOG.warn("Worker {}: the backend failed while {}; retrying, with further failures at DEBUG until it"
                    + " answers again", worker, doing, e);
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("Worker {}: the backend failed again while {} ({} failed calls in {})", worker, doing, failures,
                    since(start), e);
        }
    }

    /** Reports a call to the backend that succeeded: ends the outage under way if calls of its kind failed. */
    void succeeded(Call call) {
        if (current == null) {
            return;
        }
        Outage ended = null;
        lock.lock();
        try {
            Outage o = current;
            if (o != null && (o.failedCalls & call.bit()) != 0) {
                ended = o;
                current = null;
            }
        } finally {
            lock.unlock();
        }
        if (ended != null) {
            LOG.info("Worker {}: the backend answers again after {} ({} failed calls)", worker, since(ended.start),
                    ended.failures);
        }
    }

    /** Whether an outage is under way; for tests. */
    boolean inOutage() {
        return current != null;
    }

    private Duration since(long start) {
        return Duration.ofMillis((ticker.read() - start) / 1_000_000);
    }
}
