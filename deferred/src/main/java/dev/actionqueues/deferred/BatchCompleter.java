package dev.actionqueues.deferred;

import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.retry.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Completes, in the background, the finished jobs that a worker's threads hand over when they go
 * straight on to a prefetched job: a drainer ({@link GroupCommit}) takes them in batches, completes
 * each batch in one call and refills the prefetch after it, and ends when nothing is left; while the
 * jobs waiting would fill a full batch for every drainer running, another starts, up to
 * {@value #MAX_DRAINERS} (a backend's calls take a round trip each: one drainer alone held a worker
 * of 16 threads back, see {@code BENCHMARKS.md}). At shutdown, {@link #drain(long, Ticker)} waits for the drainers and
 * completes what is left. Thread-safe.
 */
final class BatchCompleter {

    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Batches completed at once, a further one only while full batches wait for it. */
    static final int MAX_DRAINERS = 4;

    private final WorkerContext ctx;
    private final Prefetch prefetch;
    /** Finished jobs waiting to be completed, and their drainer. */
    private final GroupCommit<Lease> toComplete;

    BatchCompleter(WorkerContext ctx, Prefetch prefetch) {
        this.ctx = ctx;
        this.prefetch = prefetch;
        this.toComplete = new GroupCommit<>(ctx.name + "-completer", ctx.queue.capabilities().maxBatchSize(),
                MAX_DRAINERS, this::completeAndRefill);
    }

    /** Hands over a finished job; once the worker is stopping, completes it on the calling thread. */
    void submit(Lease done) {
        if (ctx.stopping) {
            ctx.complete(done);
            return;
        }
        toComplete.submit(done);
    }

    /**
     * Shutdown's step: waits for the drainers (until a second past {@code deadline}, by
     * {@code ticker}) and completes on the calling thread whatever is still handed over.
     */
    void drain(long deadline, Ticker ticker) throws InterruptedException {
        do {
            for (Thread t : toComplete.drainers()) {
                t.join(Duration.ofNanos(Math.max(1, deadline - ticker.read() + GRACE_NANOS)));
            }
            for (Lease l; (l = toComplete.poll()) != null;) {
                ctx.complete(l);
            }
        } while (!toComplete.drainers().isEmpty() && ticker.read() - deadline < GRACE_NANOS);
    }

    private void completeAndRefill(List<Lease> batch) {
        int extra = ctx.stopping ? 0 : prefetch.reserve(ctx.maxBatch);
        int kept = 0;
        boolean done = false;
        try {
            List<Boolean> completed = ctx.queue.completeBatch(batch);
            done = true;
            ctx.outages.succeeded(OutageLog.Call.COMPLETE);
            for (int i = 0; i < batch.size(); i++) {
                ctx.warnIfLost(batch.get(i), completed.get(i));
            }
            if (extra > 0) {
                long claimedAt = ctx.ticker.read();
                List<Lease> claimed = ctx.queue.claimBatch(extra, ctx.leaseDuration, Duration.ZERO);
                ctx.outages.succeeded(OutageLog.Call.CLAIM);
                kept = claimed.size();
                prefetch.keep(claimed, claimedAt);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (done) {
                ctx.outages.failed(OutageLog.Call.CLAIM, "refilling the prefetch", e);
            } else {
                ctx.outages.failed(OutageLog.Call.COMPLETE, "completing " + batch.size()
                        + " jobs, which run again when their leases run out", e);
            }
            ctx.pause(ctx.errorBackoff);
        } finally {
            prefetch.unreserve(extra - kept);
            ctx.processed.add(batch.size());
        }
    }
}
