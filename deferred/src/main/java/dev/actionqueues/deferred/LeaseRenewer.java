package dev.actionqueues.deferred;

import dev.actionqueues.deferred.spi.Lease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heartbeat of a worker's jobs: one virtual thread that renews, every third of the lease
 * duration, the lease of each running job and each prefetched one, all in one
 * {@code JobQueue.renewBatch} call, so a long job is not handed to another consumer. Thread-safe.
 */
final class LeaseRenewer {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    private final WorkerContext ctx;
    private final List<ConsumerSlot> slots;
    private final Prefetch prefetch;
    private volatile boolean stopped;
    private Thread thread;

    LeaseRenewer(WorkerContext ctx, List<ConsumerSlot> slots, Prefetch prefetch) {
        this.ctx = ctx;
        this.slots = slots;
        this.prefetch = prefetch;
    }

    void start() {
        thread = Thread.ofVirtual().name(ctx.name + "-lease-renewer").start(this::run);
    }

    /** Stops renewing; a renewal under way finishes. */
    void stop() {
        stopped = true;
        thread.interrupt();
    }

    /** Waits up to {@code timeout} for the thread to end; returns whether it has. */
    boolean join(Duration timeout) throws InterruptedException {
        return thread.join(timeout);
    }

    private void run() {
        Duration interval = ctx.leaseDuration.dividedBy(3);
        while (!stopped) {
            try {
                ctx.sleeper.sleep(interval);
            } catch (InterruptedException e) {
                continue;
            }
            List<Renewal> due = new ArrayList<>();
            for (ConsumerSlot slot : slots) {
                add(due, slot.running, false, null);
            }
            prefetch.addRenewals(this, due);
            renewAll(due);
        }
    }

    /** A lease to renew: where it is held, the lease read there, and what to do once it is renewed. */
    record Renewal(AtomicReference<Lease> ref, Lease lease, boolean prefetched, Runnable onRenewed) {
    }

    /** Adds the lease held in {@code ref}, if any, to {@code due}. */
    void add(List<Renewal> due, AtomicReference<Lease> ref, boolean prefetched, Runnable onRenewed) {
        Lease lease = ref.get();
        if (lease != null) {
            due.add(new Renewal(ref, lease, prefetched, onRenewed));
        }
    }

    /**
     * Renews the lease held in {@code ref}, if any, alone; returns whether it was renewed (see
     * {@link #renewAll}).
     */
    boolean renew(AtomicReference<Lease> ref, boolean prefetched) {
        List<Renewal> due = new ArrayList<>(1);
        boolean[] renewed = {false};
        add(due, ref, prefetched, () -> renewed[0] = true);
        renewAll(due);
        return renewed[0];
    }

    /**
     * Renews the leases in one call ({@code JobQueue.renewBatch}: one batch call on brokers that have
     * one). A running job whose lease was lost keeps running (with a warning: it may run twice); a
     * prefetched one is dropped, left to its new holder.
     */
    void renewAll(List<Renewal> due) {
        if (due.isEmpty()) {
            return;
        }
        List<Lease> leases = new ArrayList<>(due.size());
        due.forEach(r -> leases.add(r.lease()));
        List<Optional<Lease>> renewed;
        try {
            renewed = ctx.queue.renewBatch(leases, ctx.leaseDuration);
            ctx.outages.succeeded(OutageLog.Call.RENEW);
        } catch (RuntimeException e) {
            ctx.outages.failed(OutageLog.Call.RENEW, "renewing the leases of " + due.size() + " jobs (job "
                    + leases.get(0).jobId() + " first)", e);
            return;
        }
        for (int i = 0; i < due.size(); i++) {
            Renewal r = due.get(i);
            Lease lease = r.lease();
            if (renewed.get(i).isPresent()) {
                if (r.ref().compareAndSet(lease, renewed.get(i).get()) && r.onRenewed() != null) {
                    r.onRenewed().run();
                }
            } else if (r.prefetched()) {
                if (r.ref().compareAndSet(lease, null)) {
                    LOG.warn("Worker {}: the lease of prefetched job {} was lost; it is left to its new holder",
                            ctx.name, lease.jobId());
                }
            } else if (r.ref().get() == lease) {
                LOG.warn("Worker {}: the lease of running job {} was lost; it may run twice", ctx.name, lease.jobId());
            }
        }
    }
}
