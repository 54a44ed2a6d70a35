package dev.actionqueues.deferred;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;

/**
 * Pushes the calls of {@code laterAsync} in the background, as a {@link GroupCommit}: calls queue
 * up while a push is under way, and one drainer at a time pushes whatever has gathered in batches
 * (one backend call each, through {@code JobQueue.pushBatchAsync}: a backend with an asynchronous
 * client has up to {@value #MAX_IN_FLIGHT} batches under way at once, one on a FIFO queue), then
 * completes each call's future. No thread and no connection is held per call. Debounced calls and
 * calls with a job id are pushed one by one, in order with the rest (after the batches before them
 * are stored). Thread-safe.
 */
final class AsyncPusher {

    /** Batches under way at once on a backend that pushes without waiting. */
    static final int MAX_IN_FLIGHT = 8;

    private record Pending(JobProducer.Prepared call, CompletableFuture<LaterResult> result) {
    }

    private final JobProducer producer;
    private final GroupCommit<Pending> pending;
    private final int maxInFlight;
    private final Semaphore inFlight;

    AsyncPusher(JobProducer producer, int maxBatch, boolean fifo) {
        this.producer = producer;
        this.pending = new GroupCommit<>("deferrable-async-push", maxBatch, this::push);
        this.maxInFlight = fifo ? 1 : MAX_IN_FLIGHT;
        this.inFlight = new Semaphore(maxInFlight);
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
            awaitBatches();
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
        List<Pending> mine = List.copyOf(plain);
        List<JobProducer.Prepared> calls = new ArrayList<>(mine.size());
        mine.forEach(p -> calls.add(p.call()));
        inFlight.acquireUninterruptibly();
        CompletableFuture<List<LaterResult>> pushed;
        try {
            pushed = producer.pushBatchAsync(calls);
        } catch (RuntimeException e) {
            inFlight.release();
            mine.forEach(p -> p.result().completeExceptionally(e));
            return;
        }
        pushed.whenComplete((results, failure) -> {
            inFlight.release();
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                mine.forEach(p -> p.result().completeExceptionally(cause));
                return;
            }
            for (int i = 0; i < mine.size(); i++) {
                mine.get(i).result().complete(results.get(i));
            }
        });
    }

    /** Waits until the batches under way are answered, so a push one by one comes after them. */
    private void awaitBatches() {
        inFlight.acquireUninterruptibly(maxInFlight);
        inFlight.release(maxInFlight);
    }
}
