package dev.actionqueues.deferred;

import static dev.actionqueues.deferred.ConsumerSlot.IDLE;
import static dev.actionqueues.deferred.ConsumerSlot.POLLING;
import static dev.actionqueues.deferred.ConsumerSlot.RUNNING;
import static dev.actionqueues.deferred.ConsumerSlot.STOPPED;

import dev.actionqueues.deferred.spi.CompleteAndNext;
import dev.actionqueues.deferred.spi.Lease;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each consumer thread of a worker does until shutdown: take a job (from the prefetch, or
 * claimed from the backend, waiting there when nothing is ready), run it to its end through the
 * {@link JobRunner}, then complete it and claim the next one in the same call to the backend.
 * With a prefetch, a thread that has a prefetched job ready hands the finished one to the
 * {@link BatchCompleter} and goes straight on. Thread-safe: one instance serves every slot.
 */
final class ConsumerLoop {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    private final WorkerContext ctx;
    private final JobRunner runner;
    private final Prefetch prefetch;
    private final BatchCompleter completer;

    ConsumerLoop(WorkerContext ctx, JobRunner runner, Prefetch prefetch, BatchCompleter completer) {
        this.ctx = ctx;
        this.runner = runner;
        this.prefetch = prefetch;
        this.completer = completer;
    }

    /** The loop of one slot's thread; returns once the worker is stopping. */
    void consume(ConsumerSlot slot) {
        Lease next = null;
        while (true) {
            if (next == null && prefetch.enabled() && !ctx.stopping) {
                next = prefetch.take();
            }
            Lease lease;
            if (next != null) {
                // Claimed ahead, or together with the completion of the previous job.
                lease = next;
                next = null;
                if (ctx.stopping) {
                    ctx.giveBack(lease);
                    break;
                }
                slot.state.set(RUNNING);
            } else {
                if (ctx.stopping) {
                    break;
                }
                slot.state.set(POLLING);
                if (ctx.stopping) {
                    break;
                }
                lease = claim(slot);
                if (lease == null) {
                    if (slot.state.get() == STOPPED) {
                        break;
                    }
                    continue;
                }
            }
            if (run(slot, lease)) {
                next = completeAndClaim(lease);
            }
            if (next == null) {
                slot.state.set(IDLE);
            }
        }
        slot.state.set(STOPPED);
        Thread.interrupted();
    }

    /**
     * Claims the slot's next job plus what the prefetch has room for, waiting on the backend up to
     * the poll timeout. Returns null if nothing came, the backend failed (after a pause), or
     * shutdown took the slot out of its wait (state {@code STOPPED}; anything claimed is given back).
     */
    private Lease claim(ConsumerSlot slot) {
        List<Lease> claimed;
        int extra = prefetch.reserve(ctx.maxBatch - 1);
        try {
            claimed = ctx.queue.claimBatch(1 + extra, ctx.leaseDuration, ctx.pollTimeout);
        } catch (InterruptedException e) {
            prefetch.unreserve(extra);
            return null;
        } catch (RuntimeException e) {
            prefetch.unreserve(extra);
            ctx.outages.failed(OutageLog.Call.CLAIM, "claiming from group '" + ctx.group + "'", e);
            ctx.pause(ctx.errorBackoff);
            return null;
        }
        ctx.outages.succeeded(OutageLog.Call.CLAIM);
        prefetch.unreserve(extra - Math.max(0, claimed.size() - 1));
        if (claimed.isEmpty()) {
            if (!ctx.queue.capabilities().blockingClaim()) {
                ctx.pause(ctx.pollTimeout);
            }
            return null;
        }
        // Granted while this call waited, just before it returned: the reply's trip is the error.
        long claimedAt = ctx.ticker.read();
        List<Lease> ahead = claimed.subList(1, claimed.size());
        if (!slot.state.compareAndSet(POLLING, RUNNING)) {
            Thread.interrupted();
            ctx.giveBack(claimed.get(0));
            prefetch.keep(ahead, claimedAt);
            return null;
        }
        prefetch.keep(ahead, claimedAt);
        return claimed.get(0);
    }

    /** Runs a job; returns true if it is done and waits to be completed by this loop. */
    private boolean run(ConsumerSlot slot, Lease lease) {
        slot.running.set(lease);
        boolean awaitsCompletion = false;
        try {
            awaitsCompletion = runner.run(lease, JobRunner.Completion.BY_CALLER).awaitsCompletion();
        } catch (BackendException e) {
            ctx.backendFailed(lease, e);
            ctx.pause(ctx.errorBackoff);
        } catch (VirtualMachineError e) {
            // The runner gave the job back first; the pause keeps a job that always does this from spinning.
            LOG.error("Worker {}: job {} stopped with {}; it was given back to the queue, no attempt counted, and"
                    + " this thread goes on after {}", ctx.name, lease.jobId(), e.toString(), ctx.errorBackoff, e);
            ctx.pause(ctx.errorBackoff);
        } catch (RuntimeException | Error e) {
            LOG.error("Worker {}: running job {} failed with {}; it runs again when its lease runs out",
                    ctx.name, lease.jobId(), e.toString(), e);
        } finally {
            slot.running.set(null);
        }
        if (!awaitsCompletion) {
            ctx.processed.increment();
        }
        return awaitsCompletion;
    }

    /**
     * Completes a finished job and, unless the worker is stopping, claims the next one in the same
     * call to the backend (one round trip on Redis, one lock hold in memory).
     *
     * @return the next job's lease, or null
     */
    private Lease completeAndClaim(Lease done) {
        if (ctx.stopping) {
            ctx.complete(done);
            return null;
        }
        if (!prefetch.enabled()) {
            return completeAndClaim(done, 0);
        }
        Lease next = prefetch.take();
        if (next != null) {
            // A prefetched job is ready: run it now; this one is completed (and the prefetch refilled)
            // in the background, together with the other threads' finished jobs.
            completer.submit(done);
            return next;
        }
        return completeAndClaim(done, prefetch.reserve(ctx.maxBatch - 1));
    }

    /**
     * Completes {@code done} and, in the same call, claims the thread's next job plus {@code extra}
     * for the prefetch (room already reserved); returns the next job or null.
     */
    private Lease completeAndClaim(Lease done, int extra) {
        int kept = 0;
        try {
            long claimedAt = ctx.ticker.read();
            CompleteAndNext r = ctx.queue.completeAndClaim(done, 1 + extra, ctx.leaseDuration);
            ctx.outages.succeeded(OutageLog.Call.COMPLETE);
            ctx.outages.succeeded(OutageLog.Call.CLAIM);
            ctx.warnIfLost(done, r.completed());
            List<Lease> claimed = r.next();
            if (claimed.isEmpty()) {
                return null;
            }
            if (claimed.size() > 1) {
                kept = claimed.size() - 1;
                prefetch.keep(claimed.subList(1, claimed.size()), claimedAt);
            }
            return claimed.get(0);
        } catch (RuntimeException e) {
            ctx.backendFailed(done, e);
            ctx.pause(ctx.errorBackoff);
            return null;
        } finally {
            prefetch.unreserve(extra - kept);
            ctx.processed.increment();
        }
    }
}
