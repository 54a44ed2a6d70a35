package dev.actionqueues.sqs;

import dev.actionqueues.deferred.spi.CallCombiner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The deletes and no-wait receives of one queue made by several threads at once, combined
 * ({@link CallCombiner}) into DeleteMessageBatch and ReceiveMessage calls of up to 10 messages. Up to
 * {@value #MAX_IN_FLIGHT} calls of each kind are under way at once, but a further one starts only
 * with a full batch: letting 4 run at once whatever their size was measured to make batches smaller
 * (0.9 calls per job instead of 0.4) and the rate lower; with only full batches in parallel, the
 * calls per job stay as with one call at a time and the rate rose (see {@code BENCHMARKS.md}). A lone
 * caller's call goes out at once. Thread-safe.
 */
final class SqsCombined {

    /** Calls of one kind under way at once, all but one with a full batch. */
    static final int MAX_IN_FLIGHT = 4;

    private final SqsCalls calls;
    private final CallCombiner<String, Boolean> deletes;
    /** By visibility timeout: only receives with the same one can share a call. */
    private final Map<Integer, CallCombiner<Integer, List<Message>>> receives = new ConcurrentHashMap<>();

    SqsCombined(SqsCalls calls) {
        this.calls = calls;
        this.deletes = new CallCombiner<>(SqsJobQueue.MAX_BATCH, r -> 1, MAX_IN_FLIGHT, calls::deleteBatch);
    }

    /** Deletes a message; false if SQS refused its receipt handle. */
    boolean delete(String receipt) {
        return deletes.submit(receipt);
    }

    /**
     * Receives up to {@code max} messages without waiting, in one ReceiveMessage with the other
     * threads' claims made at the same time (a worker's threads each complete a job and claim the
     * next: combined, that is one call for up to 10 of them instead of one each).
     */
    List<Message> receiveNow(int max, int visibility) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return receives.computeIfAbsent(visibility, v -> new CallCombiner<>(SqsJobQueue.MAX_BATCH, n -> n, MAX_IN_FLIGHT,
                asks -> share(asks, calls.receiveNow(asks.stream().mapToInt(Integer::intValue).sum(), v))))
                .submit(max);
    }

    /** The messages of one receive shared among the claims it was made for, in order, each up to its count. */
    private static List<List<Message>> share(List<Integer> asks, List<Message> received) {
        List<List<Message>> shares = new ArrayList<>(asks.size());
        int from = 0;
        for (int ask : asks) {
            int to = Math.min(received.size(), from + ask);
            shares.add(received.subList(from, to));
            from = to;
        }
        return shares;
    }
}
