package dev.actionqueues.deferred;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Pushes the calls of {@code laterAsync} in the background, as a {@link GroupCommit}: calls queue
 * up while a push is under way, and one drainer at a time pushes whatever has gathered in batches
 * (one backend call each), then completes each call's future. No
 * thread and no connection is held per call. Debounced calls and calls with a job id are pushed one
 * by one, in order with the rest. Thread-safe.
 */
final class AsyncPusher {

    private record Pending(JobProducer.Prepared call, CompletableFuture<LaterResult> result) {
    }

    private final JobProducer producer;
    private final GroupCommit<Pending> pending;

    AsyncPusher(JobProducer producer, int maxBatch) {
        this.producer = producer;
        this.pending = new GroupCommit<>("deferrable-async-push", maxBatch, this::push);
    }

    /** Queues a prepared call; its future completes once it is pushed, or fails with the backend's error. */
    CompletableFuture<LaterResult> submit(JobProducer.Prepared call) {
        CompletableFuture<LaterResult> result = new CompletableFuture<>();
        pending.submit(new Pending(call, result));
        return result;
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
