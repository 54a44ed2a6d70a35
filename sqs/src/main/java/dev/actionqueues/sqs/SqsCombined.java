package dev.actionqueues.sqs;

import dev.actionqueues.deferred.spi.CallCombiner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The deletes and no-wait receives of one queue made by several threads at once, combined
 * ({@link CallCombiner}) into DeleteMessageBatch and ReceiveMessage calls of up to 10 messages, with
 * up to {@value #IN_FLIGHT} calls of each kind under way at once: SQS serves concurrent HTTP calls
 * in parallel, and one call at a time left a worker's threads waiting behind one round trip. A
 * lone caller's call goes out at once. Thread-safe.
 */
final class SqsCombined {

    /** Combined calls of one kind under way at once. */
    static final int IN_FLIGHT = 4;

    private final SqsCalls calls;
    private final CallCombiner<String, Boolean> deletes;
    /** By visibility timeout: only receives with the same one can share a call. */
    private final Map<Integer, CallCombiner<Integer, List<Message>>> receives = new ConcurrentHashMap<>();

    SqsCombined(SqsCalls calls) {
        this.calls = calls;
        this.deletes = new CallCombiner<>(SqsJobQueue.MAX_BATCH, r -> 1, calls::deleteBatch, IN_FLIGHT);
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
        return receives.computeIfAbsent(visibility, v -> new CallCombiner<>(SqsJobQueue.MAX_BATCH, n -> n,
                asks -> share(asks, calls.receiveNow(asks.stream().mapToInt(Integer::intValue).sum(), v)), IN_FLIGHT))
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
