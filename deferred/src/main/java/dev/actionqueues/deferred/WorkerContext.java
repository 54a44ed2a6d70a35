package dev.actionqueues.deferred;

import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.retry.Sleeper;
import dev.actionqueues.retry.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a worker's collaborators share: the queue, the settings, the stop flag, the count of
 * processed jobs, the outage log, and the few verbs each of them needs (complete, give back,
 * pause, report). Thread-safe.
 */
final class WorkerContext {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    final JobQueue queue;
    /** The most jobs the queue claims in one call. */
    final int maxBatch;
    final String name;
    final String group;
    final Duration leaseDuration;
    final Duration pollTimeout;
    final Duration errorBackoff;
    final Sleeper sleeper;
    /** Measures lease deadlines of prefetched jobs: this JVM's time, never the backend's. */
    final Ticker ticker;
    final LongAdder processed = new LongAdder();
    /** Every call to the backend reports to it: a failing backend is one WARN per outage, not one per call. */
    final OutageLog outages;
    /** Set once, when shutdown starts: no new job is taken from then on. */
    volatile boolean stopping;
    /** Told of each job the worker completed and found handed to another consumer (reports LEASE_LOST). */
    volatile Consumer<Lease> leaseLost = lease -> { };

    WorkerContext(JobQueue queue, String name, String group, Duration leaseDuration, Duration pollTimeout,
            Duration errorBackoff, Sleeper sleeper, Ticker ticker) {
        this.queue = queue;
        this.maxBatch = queue.capabilities().maxBatchSize();
        this.name = name;
        this.group = group;
        this.leaseDuration = leaseDuration;
        this.pollTimeout = pollTimeout;
        this.errorBackoff = errorBackoff;
        this.sleeper = sleeper;
        this.ticker = ticker;
        this.outages = new OutageLog(name, ticker);
    }

    /** Completes one finished job on its own (no claim with it) and counts it as processed. */
    void complete(Lease done) {
        try {
            boolean completed = queue.complete(done);
            outages.succeeded(OutageLog.Call.COMPLETE);
            warnIfLost(done, completed);
        } catch (RuntimeException e) {
            backendFailed(done, e);
        } finally {
            processed.increment();
        }
    }

    /** Gives a job back to the queue, available at once, no attempt counted. */
    void giveBack(Lease lease) {
        try {
            boolean released = queue.release(lease, lease.payload(), Duration.ZERO);
            outages.succeeded(OutageLog.Call.RELEASE);
            if (released) {
                LOG.info("Worker {}: gave job {} back to the queue", name, lease.jobId());
            }
        } catch (RuntimeException e) {
            outages.failed(OutageLog.Call.RELEASE,
                    "giving job " + lease.jobId() + " back, which runs again when its lease runs out", e);
        }
    }

    /** Waits {@code d} on the sleeper; an interrupt ends the pause early. */
    void pause(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            LOG.debug("Worker {}: pause interrupted", name);
        }
    }

    /** Reports a backend failure while finishing a job (to the {@link #outages outage log}). */
    void backendFailed(Lease lease, RuntimeException e) {
        outages.failed(OutageLog.Call.COMPLETE,
                "finishing job " + lease.jobId() + ", which runs again when its lease runs out", e);
    }

    void warnIfLost(Lease done, boolean completed) {
        if (!completed) {
            LOG.warn("Worker {}: job {} ran, but its lease had run out and the job was handed to another consumer;"
                    + " it may run twice", name, done.jobId());
            leaseLost.accept(done);
        }
    }
}
