package dev.actionqueues.deferred;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A group commit: items handed over by any number of threads are acted on in batches by background
 * drainers (virtual threads), each of which takes what has gathered, up to a batch size, acts on it
 * and goes on until nothing is left, then ends. Handing an item over starts a drainer if none
 * runs; up to {@code maxDrainers} run at once, a further one starting only when the items waiting
 * would fill a full batch for every drainer running (so batches stay as large as with one drainer,
 * and a backend whose calls take a round trip has several under way when items come faster than
 * one drainer can act). No thread waits for another's item. Thread-safe.
 *
 * @param <T> the items
 */
final class GroupCommit<T> {

    private final String threadName;
    private final int maxBatch;
    private final int maxDrainers;
    private final Consumer<List<T>> action;
    private final ConcurrentLinkedQueue<T> pending = new ConcurrentLinkedQueue<>();
    /** Items in {@code pending}: counted, as the queue's own size takes a walk. */
    private final AtomicInteger waiting = new AtomicInteger();
    /** Drainers running: the last to leave looks again for items handed over while it left. */
    private final AtomicInteger running = new AtomicInteger();
    private final Set<Thread> drainers = ConcurrentHashMap.newKeySet();

    /** One drainer at a time. */
    GroupCommit(String threadName, int maxBatch, Consumer<List<T>> action) {
        this(threadName, maxBatch, 1, action);
    }

    /**
     * {@code action} runs on the drainers, with batches of 1 to {@code maxBatch} items, on up to
     * {@code maxDrainers} threads at once; should it throw, that batch is lost to it and the
     * drainer ends (the next item handed over starts a new one if none runs).
     */
    GroupCommit(String threadName, int maxBatch, int maxDrainers, Consumer<List<T>> action) {
        if (maxBatch < 1 || maxDrainers < 1) {
            throw new IllegalArgumentException("maxBatch and maxDrainers must be at least 1, were " + maxBatch
                    + " and " + maxDrainers);
        }
        this.threadName = threadName;
        this.maxBatch = maxBatch;
        this.maxDrainers = maxDrainers;
        this.action = action;
    }

    /** Hands an item over; starts a drainer if none runs, or another if a full batch waits for one. */
    void submit(T item) {
        pending.add(item);
        int w = waiting.incrementAndGet();
        while (true) {
            int r = running.get();
            boolean start = r == 0 || (r < maxDrainers && w >= (long) r * maxBatch);
            if (!start) {
                return;
            }
            if (running.compareAndSet(r, r + 1)) {
                Thread t = Thread.ofVirtual().name(threadName).unstarted(this::drain);
                drainers.add(t);
                t.start();
                return;
            }
        }
    }

    /** The drainer threads still running, for a shutdown to join. */
    List<Thread> drainers() {
        return List.copyOf(drainers);
    }

    /** Takes one item that no drainer has taken yet, or null. */
    T poll() {
        T item = pending.poll();
        if (item != null) {
            waiting.decrementAndGet();
        }
        return item;
    }

    private void drain() {
        boolean ended = false;
        try {
            while (true) {
                List<T> batch = new ArrayList<>();
                for (T item; batch.size() < maxBatch && (item = poll()) != null;) {
                    batch.add(item);
                }
                if (batch.isEmpty()) {
                    // An item handed over after the poll, while no other drainer runs: keep going.
                    if (running.decrementAndGet() > 0 || pending.isEmpty() || !running.compareAndSet(0, 1)) {
                        ended = true;
                        return;
                    }
                    continue;
                }
                action.accept(batch);
            }
        } finally {
            drainers.remove(Thread.currentThread());
            if (!ended) {
                // The action threw: this drainer ends; the next item handed over starts one if none runs.
                running.decrementAndGet();
            }
        }
    }
}
