package dev.actionqueues.deferred;

import dev.actionqueues.deferred.spi.Lease;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The jobs a worker claimed ahead of its free threads (see {@link Worker.Builder#prefetch(int)}):
 * each kept with its lease, renewed in place, and the deadline of that lease by this JVM's
 * {@link WorkerContext#ticker ticker}, never the backend's clock, which may differ. Room is
 * reserved before a claim, so the prefetch never holds more than its capacity, counting the jobs
 * being claimed for it. Thread-safe.
 */
final class Prefetch {

    /** A prefetched job: its lease (null once found lost) and when that lease runs out, by the ticker. */
    private static final class Held {
        final AtomicReference<Lease> lease;
        volatile long deadline;

        Held(Lease lease, long deadline) {
            this.lease = new AtomicReference<>(lease);
            this.deadline = deadline;
        }
    }

    private final WorkerContext ctx;
    private final int capacity;
    private final ConcurrentLinkedQueue<Held> held = new ConcurrentLinkedQueue<>();
    /** Prefetched jobs plus jobs being claimed for the prefetch: never more than {@code capacity}. */
    private final AtomicInteger reserved = new AtomicInteger();

    Prefetch(WorkerContext ctx, int capacity) {
        this.ctx = ctx;
        this.capacity = capacity;
    }

    /** Whether the worker claims ahead at all. */
    boolean enabled() {
        return capacity > 0;
    }

    /**
     * Reserves room for up to {@code max} more jobs, never past the capacity in all; returns how many
     * may be claimed.
     */
    int reserve(int max) {
        while (true) {
            int r = reserved.get();
            int n = Math.max(0, Math.min(max, capacity - r));
            if (n == 0 || reserved.compareAndSet(r, r + n)) {
                return n;
            }
        }
    }

    /** Gives back room reserved by {@link #reserve(int)} that no claimed job took. */
    void unreserve(int n) {
        reserved.addAndGet(-n);
    }

    /**
     * Returns a prefetched job to run, or null. A job whose lease the renewer found lost, or whose
     * lease has run out by the ticker, is not run (another consumer may have it) but given back in
     * case it still can be.
     */
    Lease take() {
        Held h;
        while ((h = held.poll()) != null) {
            reserved.decrementAndGet();
            Lease lease = h.lease.getAndSet(null);
            if (lease != null && ctx.ticker.read() - h.deadline < 0) {
                return lease;
            }
            if (lease != null) {
                ctx.giveBack(lease);
            }
        }
        return null;
    }

    /**
     * Keeps claimed jobs for later; their room was reserved. Once the worker is stopping, gives them
     * back instead.
     *
     * @param claimedAt a ticker reading taken no later than the backend granted the leases
     */
    void keep(List<Lease> leases, long claimedAt) {
        for (Lease l : leases) {
            if (ctx.stopping) {
                reserved.decrementAndGet();
                ctx.giveBack(l);
            } else {
                held.add(new Held(l, claimedAt + ctx.leaseDuration.toNanos()));
            }
        }
    }

    /** Renews the lease of every prefetched job in one batch; a lost one is dropped, left to its new holder. */
    void renewAll(LeaseRenewer renewer) {
        List<LeaseRenewer.Renewal> due = new java.util.ArrayList<>();
        addRenewals(renewer, due);
        renewer.renewAll(due);
    }

    /**
     * Adds the lease of every prefetched job to the renewer's next batch; a renewed one gets a new
     * deadline, a lost one is dropped by the renewer, left to its new holder.
     */
    void addRenewals(LeaseRenewer renewer, List<LeaseRenewer.Renewal> due) {
        long before = ctx.ticker.read();
        for (Held h : held) {
            renewer.add(due, h.lease, true, () -> h.deadline = before + ctx.leaseDuration.toNanos());
        }
    }

    /** The leases of the prefetched jobs, for the worker's heartbeat. */
    List<Lease> leases() {
        List<Lease> out = new ArrayList<>();
        for (Held h : held) {
            Lease l = h.lease.get();
            if (l != null) {
                out.add(l);
            }
        }
        return out;
    }

    /** Gives back every prefetched job; returns how many. */
    int giveBackAll() {
        int n = 0;
        Held h;
        while ((h = held.poll()) != null) {
            reserved.decrementAndGet();
            Lease lease = h.lease.getAndSet(null);
            if (lease != null) {
                ctx.giveBack(lease);
                n++;
            }
        }
        return n;
    }

    /** How many jobs are held or being claimed; for tests. */
    int reserved() {
        return reserved.get();
    }
}
