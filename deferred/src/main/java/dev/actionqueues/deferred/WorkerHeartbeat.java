package dev.actionqueues.deferred;

import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.WorkerLease;
import dev.actionqueues.deferred.spi.WorkerRecord;
import dev.actionqueues.deferred.spi.WorkerRegistry;
import dev.actionqueues.deferred.spi.WorkerStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's heartbeat through the backend's {@link WorkerRegistry}, and the reclaim of dead
 * workers' leases: one virtual thread that, every quarter of the interval, records the worker
 * (name, host, pid, concurrency, jobs in flight and every lease it holds) when the interval has
 * passed or it holds a lease the last heartbeat did not list, and, every half interval, takes over
 * each other worker whose heartbeat has been silent for the dead-after threshold and ends that
 * worker's leases now ({@link dev.actionqueues.deferred.spi.JobQueue#expire}, token-checked: a job
 * completed or handed to someone else since is left alone), so its jobs run again at once instead
 * of when their leases run out. A failing backend is reported to an {@link OutageLog} of the
 * heartbeat's own (so a registry that keeps failing, say a missing table, does not hide the start
 * of a claim outage from the worker's log), never thrown. On graceful stop the record is removed.
 * Thread-safe.
 */
final class WorkerHeartbeat {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    private final WorkerContext ctx;
    private final WorkerRegistry registry;
    private final String id;
    private final String host;
    private final long pid;
    private final int concurrency;
    private final List<ConsumerSlot> slots;
    private final Prefetch prefetch;
    private final Duration interval;
    private final Duration deadAfter;
    private final Duration expireAfter;
    /** The heartbeat's own outage log: its failures are one WARN per outage, apart from the consumers'. */
    final OutageLog outages;
    /** The leases the last successful heartbeat listed; used by the heartbeat thread only. */
    private Set<WorkerLease> sent = Set.of();
    private long lastBeat;
    private long lastReap;
    private boolean beaten;
    private boolean reaped;
    private volatile boolean stopped;
    private Thread thread;

    WorkerHeartbeat(WorkerContext ctx, WorkerRegistry registry, String id, String host, long pid, int concurrency,
            List<ConsumerSlot> slots, Prefetch prefetch, Duration interval, Duration deadAfter) {
        this.ctx = ctx;
        this.registry = registry;
        this.id = id;
        this.host = host;
        this.pid = pid;
        this.concurrency = concurrency;
        this.slots = slots;
        this.prefetch = prefetch;
        this.interval = interval;
        this.deadAfter = deadAfter;
        // Kept while it matters: until the leases it lists have run out by themselves.
        Duration keep = ctx.leaseDuration.compareTo(deadAfter.multipliedBy(2)) > 0 ? ctx.leaseDuration
                : deadAfter.multipliedBy(2);
        this.expireAfter = keep.plus(deadAfter);
        this.outages = new OutageLog(ctx.name + " (heartbeat)", ctx.ticker);
    }

    /**
     * The heartbeat of a worker of this process over {@code registry}, named after this host, this
     * pid and a random part; null without a registry (the worker then does not heartbeat).
     */
    static WorkerHeartbeat ofThisProcess(WorkerContext ctx, WorkerRegistry registry, int concurrency,
            List<ConsumerSlot> slots, Prefetch prefetch, Duration interval, Duration deadAfter) {
        if (registry == null) {
            return null;
        }
        String host = new LocalHost().get();
        long pid = ProcessHandle.current().pid();
        String id = host + "-" + pid + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE).substring(0, 8);
        return new WorkerHeartbeat(ctx, registry, id, host, pid, concurrency, slots, prefetch, interval, deadAfter);
    }

    /** This worker's name in the registry. */
    String id() {
        return id;
    }

    void start() {
        thread = Thread.ofVirtual().name(ctx.name + "-heartbeat").start(this::run);
    }

    /**
     * Stops the thread, waiting up to {@code timeout} for it, then removes this worker's record: a
     * worker that stops gracefully has given its jobs back and is not reaped.
     */
    void stop(Duration timeout) throws InterruptedException {
        stopped = true;
        if (thread != null) {
            thread.interrupt();
            thread.join(timeout);
        }
        try {
            registry.remove(id);
            outages.succeeded(OutageLog.Call.HEARTBEAT);
        } catch (RuntimeException e) {
            outages.failed(OutageLog.Call.HEARTBEAT, "removing this worker's heartbeat record, which expires"
                    + " by itself", e);
        }
    }

    private void run() {
        Duration tick = interval.dividedBy(4);
        while (!stopped) {
            tick();
            try {
                ctx.sleeper.sleep(tick);
            } catch (InterruptedException e) {
                // stop() interrupts; the loop checks the flag
            }
        }
    }

    /** One step of the thread: a heartbeat when it is due, then a look for dead workers when that is due. */
    void tick() {
        long now = ctx.ticker.read();
        List<WorkerLease> held = leases();
        if (!beaten || now - lastBeat >= interval.toNanos() || !sent.containsAll(held)) {
            if (beat(held)) {
                lastBeat = now;
                beaten = true;
            }
        }
        if (!reaped || now - lastReap >= interval.toNanos() / 2) {
            lastReap = now;
            reaped = true;
            reap();
        }
    }

    /** Records this worker now; returns whether the backend took it. */
    boolean beat(List<WorkerLease> held) {
        int inFlight = 0;
        for (ConsumerSlot slot : slots) {
            if (slot.running.get() != null) {
                inFlight++;
            }
        }
        try {
            registry.heartbeat(new WorkerStatus(id, host, pid, concurrency, inFlight, held), expireAfter);
            outages.succeeded(OutageLog.Call.HEARTBEAT);
            sent = new HashSet<>(held);
            return true;
        } catch (RuntimeException e) {
            outages.failed(OutageLog.Call.HEARTBEAT, "recording this worker's heartbeat", e);
            return false;
        }
    }

    /**
     * Takes over every other worker silent for the dead-after threshold and ends its leases; returns
     * how many leases were ended.
     */
    int reap() {
        List<WorkerRecord> silent;
        try {
            silent = registry.silent(deadAfter);
            outages.succeeded(OutageLog.Call.HEARTBEAT);
        } catch (RuntimeException e) {
            outages.failed(OutageLog.Call.HEARTBEAT, "looking for workers whose heartbeat stopped", e);
            return 0;
        }
        int ended = 0;
        for (WorkerRecord r : silent) {
            if (!r.name().equals(id)) {
                ended += reclaim(r.name());
            }
        }
        return ended;
    }

    private int reclaim(String dead) {
        Optional<WorkerRecord> taken;
        try {
            taken = registry.takeOver(dead, deadAfter);
        } catch (RuntimeException e) {
            outages.failed(OutageLog.Call.HEARTBEAT, "taking over dead worker " + dead, e);
            return 0;
        }
        if (taken.isEmpty()) {
            return 0;
        }
        WorkerRecord r = taken.get();
        int ended = 0;
        for (WorkerLease lease : r.leases()) {
            try {
                if (ctx.queue.expire(lease)) {
                    ended++;
                }
                outages.succeeded(OutageLog.Call.HEARTBEAT);
            } catch (RuntimeException e) {
                outages.failed(OutageLog.Call.HEARTBEAT, "ending lease of job " + lease.jobId() + " of dead worker "
                        + dead + ", which runs out by itself", e);
            }
        }
        LOG.warn("Worker {}: worker {} (host {}, pid {}) has not been seen since {}; took over its {} leases, {} of"
                + " them still held: their jobs run again now", ctx.name, dead, r.host(), r.pid(), r.lastSeen(),
                r.leases().size(), ended);
        return ended;
    }

    /** The leases this worker holds: running jobs and prefetched ones. */
    List<WorkerLease> leases() {
        List<WorkerLease> out = new ArrayList<>();
        for (ConsumerSlot slot : slots) {
            Lease l = slot.running.get();
            if (l != null) {
                out.add(WorkerLease.of(l));
            }
        }
        for (Lease l : prefetch.leases()) {
            out.add(WorkerLease.of(l));
        }
        return out;
    }
}
