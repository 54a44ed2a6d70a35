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
 *
 * <p>By default one call is under way at a time. A combiner may let more run at once
 * ({@link #CallCombiner(int, ToIntFunction, int, Function)}), but only full ones: a further call
 * starts while others are under way only when the requests waiting fill a whole batch, and a
 * finishing leader hands over only a full batch while another call is still under way. So batches
 * stay as large as one call at a time makes them, and a backend whose calls mostly wait (a remote
 * service) serves more callers than one call at a time would let it.
 * Thread-safe; callers block (virtual-thread friendly: no {@code synchronized}).
 *
 * @param <Q> request
 * @param <R> result
 */
public final class CallCombiner<Q, R> {

    private static final Object LEAD = new Object();

    private static final class Pending<Q> {
        final Q request;
        /** Asked once, so a weight function that throws does so before anything is queued. */
        final int weight;
        final CompletableFuture<Object> outcome = new CompletableFuture<>();

        Pending(Q request, int weight) {
            this.request = request;
            this.weight = weight;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final List<Pending<Q>> queue = new ArrayList<>();
    private final int capacity;
    private final ToIntFunction<Q> weight;
    private final int maxInFlight;
    private final Function<List<Q>, List<R>> batchCall;
    /** Guarded by {@code lock}: calls under way (or about to be), and the weight of the queue. */
    private int leaders;
    private int queuedWeight;

    /**
     * A combiner of requests into batches of at most {@code maxBatch}, one call at a time.
     *
     * @param maxBatch the largest batch to send
     * @param batchCall sends a batch; returns one result per request, in order
     */
    public CallCombiner(int maxBatch, Function<List<Q>, List<R>> batchCall) {
        this(maxBatch, request -> 1, batchCall);
    }

    /**
     * A combiner of weighted requests into batches whose weights add up to at most {@code capacity}
     * (a request heavier than that goes alone), one call at a time.
     *
     * @param capacity the largest total weight of one batch
     * @param weight the weight of a request, at least 1
     * @param batchCall sends a batch; returns one result per request, in order
     */
    public CallCombiner(int capacity, ToIntFunction<Q> weight, Function<List<Q>, List<R>> batchCall) {
        this(capacity, weight, 1, batchCall);
    }

    /**
     * A combiner of weighted requests into batches whose weights add up to at most {@code capacity},
     * with up to {@code maxInFlight} calls under way at once, all but one of them full.
     *
     * @param capacity the largest total weight of one batch
     * @param weight the weight of a request, at least 1
     * @param maxInFlight the most calls under way at once, at least 1
     * @param batchCall sends a batch; returns one result per request, in order
     * @throws IllegalArgumentException if {@code maxInFlight} is under 1
     */
    public CallCombiner(int capacity, ToIntFunction<Q> weight, int maxInFlight,
            Function<List<Q>, List<R>> batchCall) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        }
        this.capacity = capacity;
        this.weight = weight;
        this.maxInFlight = maxInFlight;
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
        Pending<Q> me = new Pending<>(request, weight.applyAsInt(request));
        boolean lead;
        lock.lock();
        try {
            lead = leaders == 0 || (leaders < maxInFlight && queuedWeight + weightOf(me) >= capacity);
            if (lead) {
                leaders++;
            } else {
                queue.add(me);
                queuedWeight += weightOf(me);
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

    private static int weightOf(Pending<?> p) {
        return p.weight;
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

    /** Sends {@code me} (no longer queued) with the head of the queue, then hands over the lead. */
    private R lead(Pending<Q> me) {
        List<Pending<Q>> batch = new ArrayList<>();
        batch.add(me);
        lock.lock();
        try {
            int total = weightOf(me);
            int n = 0;
            while (n < queue.size()) {
                int w = weightOf(queue.get(n));
                if (total + w > capacity) {
                    break;
                }
                total += w;
                n++;
            }
            List<Pending<Q>> head = queue.subList(0, n);
            for (Pending<Q> p : head) {
                queuedWeight -= weightOf(p);
            }
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
            for (int i = 1; i < batch.size(); i++) {
                batch.get(i).outcome.complete(results.get(i));
            }
            return results.get(0);
        } catch (RuntimeException | Error e) {
            for (int i = 1; i < batch.size(); i++) {
                batch.get(i).outcome.completeExceptionally(e);
            }
            throw e;
        } finally {
            handOver();
        }
    }

    /**
     * Makes the first waiting request the next leader, taken off the queue so no other leader sends
     * it too; while another call is under way, only if a full batch waits (that call's leader hands
     * over the rest).
     */
    private void handOver() {
        lock.lock();
        try {
            if (!queue.isEmpty() && (leaders == 1 || queuedWeight >= capacity)) {
                Pending<Q> next = queue.remove(0);
                queuedWeight -= weightOf(next);
                next.outcome.complete(LEAD);
            } else {
                leaders--;
            }
        } finally {
            lock.unlock();
        }
    }
}
