package dev.actionqueues.deferred;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Pushes the calls of {@code laterAsync} in the background, as a group commit: calls queue up
 * while a push is under way, and one drainer at a time (chosen by a flag set with CAS) pushes
 * whatever has gathered in batches (one backend call each), then completes each call's future. No
 * thread and no connection is held per call. Debounced calls and calls with a job id are pushed one
 * by one, in order with the rest. Thread-safe.
 */
final class AsyncPusher {

    private record Pending(JobProducer.Prepared call, CompletableFuture<LaterResult> result) {
    }

    private final JobProducer producer;
    private final int maxBatch;
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    AsyncPusher(JobProducer producer, int maxBatch) {
        this.producer = producer;
        this.maxBatch = maxBatch;
    }

    /** Queues a prepared call; its future completes once it is pushed, or fails with the backend's error. */
    CompletableFuture<LaterResult> submit(JobProducer.Prepared call) {
        CompletableFuture<LaterResult> result = new CompletableFuture<>();
        pending.add(new Pending(call, result));
        if (draining.compareAndSet(false, true)) {
            Thread.ofVirtual().name("deferrable-async-push").start(this::drain);
        }
        return result;
    }

    private void drain() {
        while (true) {
            List<Pending> batch = new ArrayList<>();
            for (Pending p; batch.size() < maxBatch && (p = pending.poll()) != null;) {
                batch.add(p);
            }
            if (batch.isEmpty()) {
                draining.set(false);
                // A call queued after the poll and before the flag was cleared: keep going.
                if (pending.isEmpty() || !draining.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            push(batch);
        }
    }

    private void push(List<Pending> batch) {
        List<Pending> plain = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            if (p.call().debounce() == null && !p.call().unique()) {
                plain.add(p);
                continue;
            }
            pushPlain(plain);
            plain.clear();
            try {
                p.result().complete(producer.push(p.call()));
            } catch (RuntimeException e) {
                p.result().completeExceptionally(e);
            }
        }
        pushPlain(plain);
    }

    private void pushPlain(List<Pending> plain) {
        if (plain.isEmpty()) {
            return;
        }
        List<JobProducer.Prepared> calls = new ArrayList<>(plain.size());
        plain.forEach(p -> calls.add(p.call()));
        try {
            List<LaterResult> results = producer.pushBatch(calls);
            for (int i = 0; i < plain.size(); i++) {
                plain.get(i).result().complete(results.get(i));
            }
        } catch (RuntimeException e) {
            plain.forEach(p -> p.result().completeExceptionally(e));
        }
    }
}
