package dev.actionqueues.deferred;

import dev.actionqueues.deferred.spi.Lease;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heartbeat of a worker's jobs: one virtual thread that renews, every third of the lease
 * duration, the lease of each running job and each prefetched one, so a long job is not handed to
 * another consumer. Thread-safe.
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
            for (ConsumerSlot slot : slots) {
                renew(slot.running, false);
            }
            prefetch.renewAll(this);
        }
    }

    /**
     * Renews the lease held in {@code ref}, if any; returns whether it was renewed. A running job
     * whose lease was lost keeps running (with a warning: it may run twice); a prefetched one is
     * dropped, left to its new holder.
     */
    boolean renew(AtomicReference<Lease> ref, boolean prefetched) {
        Lease lease = ref.get();
        if (lease == null) {
            return false;
        }
        try {
            Optional<Lease> renewed = ctx.queue.renew(lease, ctx.leaseDuration);
            ctx.outages.succeeded(OutageLog.Call.RENEW);
            if (renewed.isPresent()) {
                return ref.compareAndSet(lease, renewed.get());
            } else if (prefetched) {
                if (ref.compareAndSet(lease, null)) {
                    LOG.warn("Worker {}: the lease of prefetched job {} was lost; it is left to its new holder",
                            ctx.name, lease.jobId());
                }
            } else if (ref.get() == lease) {
                LOG.warn("Worker {}: the lease of running job {} was lost; it may run twice", ctx.name, lease.jobId());
            }
        } catch (RuntimeException e) {
            ctx.outages.failed(OutageLog.Call.RENEW, "renewing the lease of job " + lease.jobId(), e);
        }
        return false;
    }
}
