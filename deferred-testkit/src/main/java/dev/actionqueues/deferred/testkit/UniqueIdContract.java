package dev.actionqueues.deferred.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.spi.QueueStats;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The unique-id part of the backend contract ({@link JobQueue#pushIfAbsent}): one job per live id,
 * the id freed when its job finishes, and concurrent pushes of one id storing one job. A backend
 * without the capability skips these tests.
 *
 * <p>Not thread-safe (one instance per test, as JUnit makes them).
 */
public abstract class UniqueIdContract extends DebounceContract {

    // ---- unique ids (pushIfAbsent) ----

    @Test
    void pushIfAbsentStoresAJobOnceWhileItIsWaitingRunningOrWaitingForARetry() throws InterruptedException {
        assumeTrue(queue.capabilities().uniqueIds(), "the queue has no pushIfAbsent");
        assumeDelays(ticks(2));
        String id = "order-" + id();

        assertThat(queue.pushIfAbsent(NewJob.of(id, "first"))).isTrue();
        assertThat(queue.pushIfAbsent(NewJob.of(id, "waiting"))).isFalse();
        Lease lease = claimNow(LONG_LEASE).orElseThrow();
        assertThat(lease.payload()).isEqualTo("first");
        assertThat(queue.pushIfAbsent(NewJob.of(id, "running"))).isFalse();
        assertThat(queue.release(lease, "retry", ticks(2))).isTrue();
        assertThat(queue.pushIfAbsent(NewJob.of(id, "delayed"))).isFalse();
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, 1));

        advance(ticks(2.5));
        Lease again = claimNow(LONG_LEASE).orElseThrow();
        assertThat(again.payload()).isEqualTo("retry");
        assertThat(queue.complete(again)).isTrue();
        assertThat(queue.pushIfAbsent(NewJob.of(id, "after"))).as("the job finished: the id is free").isTrue();
        assertThat(claimNow(LONG_LEASE).orElseThrow().payload()).isEqualTo("after");
    }

    @Test
    void anIdIsFreedWhenItsJobIsDeadLetteredRemovedOrFlushed() throws InterruptedException {
        assumeTrue(queue.capabilities().uniqueIds(), "the queue has no pushIfAbsent");
        assumeTrue(queue.capabilities().inspection(), "the queue cannot remove a waiting job");
        assumeDelays(ticks(5));
        String dead = "dead-" + id();
        String removed = "removed-" + id();
        queue.pushIfAbsent(NewJob.of(dead, "p"));
        assertThat(queue.deadLetter(claimNow(LONG_LEASE).orElseThrow(), "error entry")).isTrue();
        queue.pushIfAbsent(new NewJob(removed, "p", ticks(5)));
        assertThat(queue.remove(removed)).isTrue();

        assertThat(queue.pushIfAbsent(NewJob.of(dead, "p"))).isTrue();
        assertThat(queue.pushIfAbsent(NewJob.of(removed, "p"))).isTrue();
        queue.flush();
        assertThat(queue.pushIfAbsent(NewJob.of(dead, "p"))).isTrue();
        assertThat(queue.stats()).isEqualTo(new QueueStats(1, 0, 0));
    }

    @Test
    void concurrentPushesOfOneIdStoreExactlyOneJob() throws Exception {
        assumeTrue(queue.capabilities().uniqueIds(), "the queue has no pushIfAbsent");
        String id = "once-" + id();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String payload = "p" + i;
                results.add(pool.submit(() -> {
                    start.await();
                    return queue.pushIfAbsent(NewJob.of(id, payload));
                }));
            }
            start.countDown();
            int stored = 0;
            for (Future<Boolean> r : results) {
                stored += r.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(stored).isEqualTo(1);
            assertThat(queue.stats()).isEqualTo(new QueueStats(1, 0, 0));
        } finally {
            pool.shutdownNow();
        }
    }
}
