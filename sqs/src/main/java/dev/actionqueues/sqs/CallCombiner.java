package dev.actionqueues.sqs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Combines concurrent requests into one SQS batch call ("group commit", as the Redis backend's
 * {@code Combiner}): the first caller becomes the leader and sends, in one call, the requests
 * queued by then whose weights (messages asked for) add up to at most {@code capacity} (SQS's 10);
 * the others wait for their result, and the leader hands leadership to the next waiting caller. An
 * uncontended call is a batch of one with no added latency, so one thread pays nothing for it.
 * Only requests that can share a call may be submitted to the same combiner. Thread-safe; callers
 * block (virtual-thread friendly: no {@code synchronized}).
 *
 * @param <Q> request
 * @param <R> result
 */
final class CallCombiner<Q, R> {

    private static final Object LEAD = new Object();

    private static final class Pending<Q> {
        final Q request;
        final CompletableFuture<Object> outcome = new CompletableFuture<>();

        Pending(Q request) {
            this.request = request;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final List<Pending<Q>> queue = new ArrayList<>();
    private final int capacity;
    private final ToIntFunction<Q> weight;
    private final Function<List<Q>, List<R>> batchCall;
    private boolean leaderActive;

    /**
     * @param capacity the largest total weight of one call
     * @param weight the weight of a request, between 1 and {@code capacity}
     * @param batchCall makes one call for the requests; returns one result per request, in order
     */
    CallCombiner(int capacity, ToIntFunction<Q> weight, Function<List<Q>, List<R>> batchCall) {
        this.capacity = capacity;
        this.weight = weight;
        this.batchCall = batchCall;
    }

    /**
     * Makes the request, alone or with others. An interrupt does not end the wait (the request may
     * already be in a call under way); it stays pending for the caller.
     *
     * @throws RuntimeException what the batch call threw, for every request in it
     */
    @SuppressWarnings("unchecked")
    R submit(Q request) {
        Pending<Q> me = new Pending<>(request);
        boolean lead;
        lock.lock();
        try {
            queue.add(me);
            lead = !leaderActive;
            leaderActive = true;
        } finally {
            lock.unlock();
        }
        if (!lead) {
            Object outcome = await(me);
            if (outcome != LEAD) {
                return (R) outcome;
            }
        }
        return lead(me);
    }

    /** How many requests wait for a call (not counting those in the call under way). */
    int waiting() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private static Object await(Pending<?> p) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return p.outcome.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The leader is always at the head of the queue: the first caller, or the one handed the lead. */
    private R lead(Pending<Q> me) {
        List<Pending<Q>> batch = new ArrayList<>();
        lock.lock();
        try {
            int total = 0;
            int n = 0;
            while (n < queue.size()) {
                int w = weight.applyAsInt(queue.get(n).request);
                if (n > 0 && total + w > capacity) {
                    break;
                }
                total += w;
                n++;
            }
            List<Pending<Q>> head = queue.subList(0, n);
            batch.addAll(head);
            head.clear();
        } finally {
            lock.unlock();
        }
        try {
            List<Q> requests = new ArrayList<>(batch.size());
            for (Pending<Q> p : batch) {
                requests.add(p.request);
            }
            List<R> results = batchCall.apply(requests);
            R mine = null;
            for (int i = 0; i < batch.size(); i++) {
                Pending<Q> p = batch.get(i);
                if (p == me) {
                    mine = results.get(i);
                } else {
                    p.outcome.complete(results.get(i));
                }
            }
            return mine;
        } catch (RuntimeException | Error e) {
            for (Pending<Q> p : batch) {
                if (p != me) {
                    p.outcome.completeExceptionally(e);
                }
            }
            throw e;
        } finally {
            lock.lock();
            try {
                if (queue.isEmpty()) {
                    leaderActive = false;
                } else {
                    queue.get(0).outcome.complete(LEAD);
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
