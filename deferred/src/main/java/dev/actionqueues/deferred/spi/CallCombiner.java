package dev.actionqueues.deferred.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * For backends: combines concurrent requests into one batch call ("group commit"), as the Redis
 * and PostgreSQL backends do with the calls of a worker's threads: the first caller becomes the
 * leader and sends everything queued by then in one call, the others wait for their result; the
 * leader then hands leadership to the next waiting caller, so nobody serves others for long. An
 * uncontended call costs one batch of one, with no added latency. Requests may have weights (SQS
 * counts messages, at most 10 a call): a batch takes queued requests while their weights add up to
 * at most its capacity. Only requests that can share a call may go to the same combiner.
 * Thread-safe; callers block (virtual-thread friendly: no {@code synchronized}).
 *
 * @param <Q> request
 * @param <R> result
 */
public final class CallCombiner<Q, R> {

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
     * A combiner of requests into batches of at most {@code maxBatch}.
     *
     * @param maxBatch the largest batch to send
     * @param batchCall sends a batch; returns one result per request, in order
     */
    public CallCombiner(int maxBatch, Function<List<Q>, List<R>> batchCall) {
        this(maxBatch, request -> 1, batchCall);
    }

    /**
     * A combiner of weighted requests into batches whose weights add up to at most {@code capacity}
     * (a request heavier than that goes alone).
     *
     * @param capacity the largest total weight of one batch
     * @param weight the weight of a request, at least 1
     * @param batchCall sends a batch; returns one result per request, in order
     */
    public CallCombiner(int capacity, ToIntFunction<Q> weight, Function<List<Q>, List<R>> batchCall) {
        this.capacity = capacity;
        this.weight = weight;
        this.batchCall = batchCall;
    }

    /**
     * Sends {@code request}, in a batch with the requests of other threads made meanwhile, and
     * returns its result. Waits for the batch whatever interrupts come (the interrupt stays set).
     *
     * @param request the request
     * @return its result
     * @throws RuntimeException what the batch call threw, to every request of the batch
     */
    @SuppressWarnings("unchecked")
    public R submit(Q request) {
        Pending<Q> me = new Pending<>(request);
        boolean lead;
        lock.lock();
        try {
            queue.add(me);
            lead = !leaderActive;
            if (lead) {
                leaderActive = true;
            }
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

    /** How many requests wait for a call now; for tests. */
    int waiting() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for the outcome without giving up on an interrupt: the request is already part of a
     * batch (a claim may be made for it) and the leadership may be handed to it, so leaving would
     * lose a lease or stall the others. The wait is bounded by one backend call; an interrupt stays
     * pending for the caller.
     */
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

    private R lead(Pending<Q> me) {
        List<Pending<Q>> batch;
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
            batch = new ArrayList<>(head);
            head.clear();
            if (!batch.contains(me)) {
                // Our own request is further back: take it too, so the leader never waits on others.
                queue.remove(me);
                batch.add(me);
            }
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
