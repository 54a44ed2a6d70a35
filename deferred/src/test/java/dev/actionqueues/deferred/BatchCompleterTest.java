package dev.actionqueues.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.spi.QueueCapabilities;
import dev.actionqueues.deferred.spi.QueueStats;
import dev.actionqueues.retry.Sleeper;
import dev.actionqueues.retry.Ticker;
import dev.actionqueues.testkit.FakeTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The background completer: its drainers run on real virtual threads, so the waits are conditions. */
class BatchCompleterTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private final FakeTime time = new FakeTime();
    private final RecordingQueue queue = new RecordingQueue(
            InMemoryBackendFactory.create(time).createBackendForGroup("complete").queue());
    private final WorkerContext ctx = new WorkerContext(queue, "test", "complete", LEASE, Duration.ofSeconds(1),
            Duration.ofSeconds(1), Sleeper.system(), () -> 0L);
    private final Prefetch prefetch = new Prefetch(ctx, 2);
    private final BatchCompleter completer = new BatchCompleter(ctx, prefetch);

    private List<Lease> claim(int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            queue.push(NewJob.of("job-" + i, "p"));
        }
        return queue.claimBatch(n, LEASE, Duration.ZERO);
    }

    @Test
    void everyHandedOverJobIsCompletedAndCountedOnce() throws Exception {
        List<Lease> finished = claim(50);
        finished.forEach(completer::submit);

        await().atMost(Duration.ofSeconds(10)).until(() -> ctx.processed.sum() == 50);
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, 0));
    }

    @Test
    void afterEachBatchThePrefetchIsRefilledUpToItsCapacity() throws Exception {
        Lease finished = claim(1).get(0);
        queue.push(NewJob.of("next-1", "p"));
        queue.push(NewJob.of("next-2", "p"));
        queue.push(NewJob.of("next-3", "p"));

        completer.submit(finished);

        await().atMost(Duration.ofSeconds(10)).until(() -> ctx.processed.sum() == 1 && prefetch.reserved() == 2);
        assertThat(queue.stats()).as("2 prefetched, 1 left").isEqualTo(new QueueStats(1, 2, 0));
        assertThat(prefetch.take().jobId()).isEqualTo("next-1");
    }

    @Test
    void whileFullBatchesWaitSeveralAreCompletedAtOnceAndThePrefetchStaysWithinItsCapacity() throws Exception {
        QueueCapabilities c = queue.capabilities();
        // As SQS: 10 jobs a call.
        queue.capabilities = new QueueCapabilities(c.maxDelay(), 10, c.maxPayloadBytes(), c.fifo(), c.blockingClaim(),
                c.debounce(), c.uniqueIds(), c.inspection());
        WorkerContext tens = new WorkerContext(queue, "test", "complete", LEASE, Duration.ofSeconds(1),
                Duration.ofSeconds(1), Sleeper.system(), () -> 0L);
        Prefetch ahead = new Prefetch(tens, 15);
        BatchCompleter batches = new BatchCompleter(tens, ahead);
        List<Lease> finished = claim(60);
        for (int i = 0; i < 30; i++) {
            queue.push(NewJob.of("next-" + i, "p"));
        }
        CountDownLatch hold = new CountDownLatch(1);
        queue.holdCompleteBatches = hold;

        // Handed over faster than a held batch completes: a drainer for each full batch waiting, up to the limit.
        finished.forEach(batches::submit);
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.completeBatchesNow.get() == BatchCompleter.MAX_DRAINERS);
        hold.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> tens.processed.sum() == 60 && ahead.reserved() == 15);
        assertThat(queue.mostCompleteBatchesAtOnce).hasValue(BatchCompleter.MAX_DRAINERS);
        assertThat(queue.stats()).as("60 completed, 15 prefetched, 15 left").isEqualTo(new QueueStats(15, 15, 0));
    }

    @Test
    void onceTheWorkerIsStoppingAJobIsCompletedOnTheCallingThread() throws Exception {
        Lease finished = claim(1).get(0);
        ctx.stopping = true;

        completer.submit(finished);

        assertThat(ctx.processed.sum()).isEqualTo(1);
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, 0));
    }

    @Test
    void drainLeavesNothingHandedOverUncompleted() throws Exception {
        claim(20).forEach(completer::submit);
        ctx.stopping = true;

        completer.drain(Ticker.system().read() + Duration.ofSeconds(5).toNanos(), Ticker.system());

        assertThat(ctx.processed.sum()).isEqualTo(20);
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, 0));
    }
}
