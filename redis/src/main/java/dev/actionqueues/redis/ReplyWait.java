package dev.actionqueues.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How a platform thread waits for a Redis reply before it parks: by spinning for a short while when
 * replies have lately been that quick.
 *
 * <p>A synchronous call through Lettuce hands the command to Netty's event loop and parks the caller
 * until the event loop completes the reply; on a Redis on the same host the wake-up of the parked
 * thread costs about as much as the round trip itself. A caller that spins meanwhile sees the reply
 * the moment it lands: measured on loopback, one thread's {@code LPUSH}es ran at 1.5–2 times the rate
 * (see {@code BENCHMARKS.md}). The spin costs the caller's CPU while it waits, so it is bounded:
 * <ul>
 *   <li>at most {@code limit} per call, then the thread parks as before;</li>
 *   <li>only while the typical reply (a moving average of the last few) came within {@code limit}: on
 *       a distant Redis nothing spins, and spinning resumes once replies are quick again;</li>
 *   <li>never on a virtual thread (it would hold its carrier), and by at most one thread fewer than
 *       the machine has processors at a time, so a spinner never takes the event loop's core.</li>
 * </ul>
 * Thread-safe.
 */
final class ReplyWait {

    /** The default bound on one spin. */
    static final Duration DEFAULT_LIMIT = Duration.ofNanos(100_000);

    private final long limitNanos;
    private final int maxSpinners;
    private final AtomicInteger spinners = new AtomicInteger();
    private final java.util.concurrent.atomic.LongAdder spins = new java.util.concurrent.atomic.LongAdder();
    /** Moving average of reply times in ns, 1/8 weight per sample; racy updates are harmless. */
    private volatile long typicalNanos;

    ReplyWait(Duration limit) {
        this(limit, Math.max(0, Runtime.getRuntime().availableProcessors() - 1));
    }

    ReplyWait(Duration limit, int maxSpinners) {
        if (limit.isNegative()) {
            throw new IllegalArgumentException("the spin limit must not be negative: " + limit);
        }
        this.limitNanos = limit.toNanos();
        this.maxSpinners = maxSpinners;
    }

    /** Never spins. */
    static ReplyWait parking() {
        return new ReplyWait(Duration.ZERO, 0);
    }

    /**
     * Spins until {@code reply} is done or the bound passes, if this thread may; returns at once
     * otherwise. The caller then waits for the reply as usual and reports it by {@link #replied}.
     */
    void spin(CompletableFuture<?> reply, long sentAt) {
        if (limitNanos == 0 || typicalNanos > limitNanos || reply.isDone() || Thread.currentThread().isVirtual()) {
            return;
        }
        int n = spinners.get();
        if (n >= maxSpinners || !spinners.compareAndSet(n, n + 1)) {
            return;
        }
        try {
            spins.increment();
            long end = sentAt + limitNanos;
            while (!reply.isDone() && System.nanoTime() - end < 0) {
                Thread.onSpinWait();
            }
        } finally {
            spinners.decrementAndGet();
        }
    }

    /**
     * Times {@code reply} from {@code sentAt} ({@link System#nanoTime()} at the send) to the moment it
     * completes, on whichever thread completes it: the time a parked caller takes to wake up is not
     * counted, or a few slow replies would lift the average above the limit and keep it there (parked
     * waits would then keep it high).
     */
    void track(CompletableFuture<?> reply, long sentAt) {
        reply.whenComplete((r, e) -> replied(System.nanoTime() - sentAt));
    }

    /** Adds a reply time to the moving average. */
    void replied(long tookNanos) {
        long t = typicalNanos;
        typicalNanos = t + (tookNanos - t) / 8;
    }

    /** How many waits spun, for tests. */
    long spins() {
        return spins.sum();
    }

    /** The moving average of reply times, for tests. */
    long typicalNanos() {
        return typicalNanos;
    }
}
