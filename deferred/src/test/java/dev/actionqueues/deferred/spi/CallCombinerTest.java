package dev.actionqueues.deferred.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The combining of concurrent calls into batches, by count and by weight (as SQS counts messages). */
class CallCombinerTest {

    @Test
    void aLoneCallIsABatchOfOne() {
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        CallCombiner<Integer, Integer> c = new CallCombiner<>(10, q -> q, qs -> {
            batches.add(qs);
            return qs.stream().map(q -> q * 2).toList();
        });
        assertThat(c.submit(3)).isEqualTo(6);
        assertThat(c.submit(4)).isEqualTo(8);
        assertThat(batches).containsExactly(List.of(3), List.of(4));
    }

    @Test
    void callsMadeWhileOneIsUnderWayGoOutTogetherUpToTheCapacityByWeight() throws InterruptedException {
        HeldBatches call = new HeldBatches(1);
        CallCombiner<Integer, Integer> c = new CallCombiner<>(10, q -> q, call);
        List<Thread> threads = new ArrayList<>();
        List<Integer> results = new CopyOnWriteArrayList<>();
        threads.add(Thread.ofVirtual().start(() -> results.add(c.submit(1))));
        call.awaitStarted(0);
        // Weights 4, 4, 4 and 1 wait behind the first call, queued in this order: 4 + 4 fit in 10,
        // the third 4 does not and leads the next call.
        int[] weights = {4, 4, 4, 1};
        for (int i = 0; i < weights.length; i++) {
            int w = weights[i];
            threads.add(Thread.ofVirtual().start(() -> results.add(c.submit(w))));
            int waiting = i + 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> c.waiting() == waiting);
        }
        call.release(0);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(call.batches).containsExactly(List.of(1), List.of(4, 4), List.of(4, 1));
        assertThat(results).containsExactlyInAnyOrder(-1, -4, -4, -4, -1);
    }

    @Test
    void aFailedCallFailsEveryRequestInIt() {
        CallCombiner<Integer, Integer> c = new CallCombiner<>(10, q -> 1, qs -> {
            throw new IllegalStateException("down");
        });
        assertThatThrownBy(() -> c.submit(1)).hasMessage("down");
        assertThatThrownBy(() -> c.submit(2)).as("the next call leads again").hasMessage("down");
    }

    @Test
    void aSecondCallGoesOutWhileOneIsUnderWayOnlyWithAFullBatch() throws InterruptedException {
        HeldBatches call = new HeldBatches(2);
        CallCombiner<Integer, Integer> c = new CallCombiner<>(2, q -> 1, 2, call);
        List<Thread> threads = new ArrayList<>();
        List<Integer> results = new CopyOnWriteArrayList<>();
        threads.add(Thread.ofVirtual().start(() -> results.add(c.submit(1))));
        call.awaitStarted(0);
        // One waiting request is not a full batch: it waits for the call under way.
        threads.add(Thread.ofVirtual().start(() -> results.add(c.submit(20))));
        await().atMost(Duration.ofSeconds(10)).until(() -> c.waiting() == 1);
        // With a second, a full batch waits: it goes out beside the first call.
        threads.add(Thread.ofVirtual().start(() -> results.add(c.submit(30))));
        call.awaitStarted(1);
        assertThat(call.batches).containsExactly(List.of(1), List.of(30, 20));
        // Two calls are under way, the most allowed: these two wait, full batch or not.
        threads.add(Thread.ofVirtual().start(() -> results.add(c.submit(40))));
        await().atMost(Duration.ofSeconds(10)).until(() -> c.waiting() == 1);
        threads.add(Thread.ofVirtual().start(() -> results.add(c.submit(50))));
        await().atMost(Duration.ofSeconds(10)).until(() -> c.waiting() == 2);
        call.release(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> call.batches.size() == 3);
        call.release(1);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(call.batches).containsExactly(List.of(1), List.of(30, 20), List.of(40, 50));
        assertThat(results).containsExactlyInAnyOrder(-1, -20, -30, -40, -50);
    }

    @Test
    void aLeaderFinishingBesideAnotherCallLeavesAPartialBatchToThatCallsLeader() throws InterruptedException {
        HeldBatches call = new HeldBatches(2);
        CallCombiner<Integer, Integer> c = new CallCombiner<>(2, q -> 1, 2, call);
        List<Thread> threads = new ArrayList<>();
        threads.add(Thread.ofVirtual().start(() -> c.submit(1)));
        call.awaitStarted(0);
        threads.add(Thread.ofVirtual().start(() -> c.submit(2)));
        await().atMost(Duration.ofSeconds(10)).until(() -> c.waiting() == 1);
        threads.add(Thread.ofVirtual().start(() -> c.submit(3)));
        call.awaitStarted(1);
        threads.add(Thread.ofVirtual().start(() -> c.submit(4)));
        await().atMost(Duration.ofSeconds(10)).until(() -> c.waiting() == 1);
        // The first call ends while the second is under way: one waiting request stays for the second's leader.
        call.release(0);
        threads.get(0).join();
        assertThat(c.waiting()).isEqualTo(1);
        assertThat(call.batches).hasSize(2);
        call.release(1);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(call.batches).containsExactly(List.of(1), List.of(3, 2), List.of(4));
    }

    /**
     * A batch call that records each batch and holds the first {@code held} of them, each until the
     * test releases it; every result is the request negated.
     */
    private static final class HeldBatches implements java.util.function.Function<List<Integer>, List<Integer>> {
        final List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        private final List<CountDownLatch> started = new ArrayList<>();
        private final List<CountDownLatch> released = new ArrayList<>();

        HeldBatches(int held) {
            for (int i = 0; i < held; i++) {
                started.add(new CountDownLatch(1));
                released.add(new CountDownLatch(1));
            }
        }

        @Override
        public List<Integer> apply(List<Integer> qs) {
            batches.add(qs);
            int n = batches.size() - 1;
            if (n < started.size()) {
                started.get(n).countDown();
                try {
                    released.get(n).await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return qs.stream().map(q -> -q).toList();
        }

        void awaitStarted(int n) throws InterruptedException {
            started.get(n).await();
        }

        void release(int n) {
            released.get(n).countDown();
        }
    }
}
