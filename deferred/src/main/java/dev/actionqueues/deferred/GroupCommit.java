package dev.actionqueues.deferred;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A group commit: items handed over by any number of threads are acted on in batches by one
 * background drainer at a time (a virtual thread, chosen by a flag set with CAS), which takes what
 * has gathered, up to a batch size, acts on it and goes on until nothing is left, then ends. No
 * thread waits for another's item. Thread-safe.
 *
 * @param <T> the items
 */
final class GroupCommit<T> {

    private final String threadName;
    private final int maxBatch;
    private final Consumer<List<T>> action;
    private final ConcurrentLinkedQueue<T> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final Set<Thread> drainers = ConcurrentHashMap.newKeySet();

    /**
     * {@code action} runs on the drainer, with batches of 1 to {@code maxBatch} items; should it throw,
     * that batch is lost to it and the next item handed over starts a new drainer.
     */
    GroupCommit(String threadName, int maxBatch, Consumer<List<T>> action) {
        this.threadName = threadName;
        this.maxBatch = maxBatch;
        this.action = action;
    }

    /** Hands an item over; starts a drainer unless one is running. */
    void submit(T item) {
        pending.add(item);
        if (draining.compareAndSet(false, true)) {
            Thread t = Thread.ofVirtual().name(threadName).unstarted(this::drain);
            drainers.add(t);
            t.start();
        }
    }

    /** The drainer threads still running, for a shutdown to join. */
    List<Thread> drainers() {
        return List.copyOf(drainers);
    }

    /** Takes one item that no drainer has taken yet, or null. */
    T poll() {
        return pending.poll();
    }

    private void drain() {
        boolean ended = false;
        try {
            while (true) {
                List<T> batch = new ArrayList<>();
                for (T item; batch.size() < maxBatch && (item = pending.poll()) != null;) {
                    batch.add(item);
                }
                if (batch.isEmpty()) {
                    draining.set(false);
                    // An item handed over after the poll and before the flag was cleared: keep going.
                    if (pending.isEmpty() || !draining.compareAndSet(false, true)) {
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
                // The action threw: the next item handed over starts a new drainer.
                draining.set(false);
            }
        }
    }
}
