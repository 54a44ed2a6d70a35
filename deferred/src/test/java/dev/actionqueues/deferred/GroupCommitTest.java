package dev.actionqueues.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The drainers run on real virtual threads, so the waits are conditions. */
class GroupCommitTest {

    @ParameterizedTest(name = "{0} drainers")
    @ValueSource(ints = {1, 4})
    void everyItemHandedOverByManyThreadsIsActedOnOnceInBoundedBatches(int maxDrainers) throws Exception {
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        AtomicBoolean twice = new AtomicBoolean();
        List<Integer> actedOn = new CopyOnWriteArrayList<>();
        GroupCommit<Integer> commit = new GroupCommit<>("test", 16, maxDrainers, batch -> {
            sizes.add(batch.size());
            actedOn.addAll(batch);
            batch.forEach(i -> twice.compareAndSet(false, !seen.add(i)));
        });
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> producers = new CopyOnWriteArrayList<>();
        for (int t = 0; t < 8; t++) {
            int base = t * 1_000;
            producers.add(Thread.ofVirtual().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 1_000; i++) {
                    commit.submit(base + i);
                }
            }));
        }
        start.countDown();
        for (Thread p : producers) {
            p.join();
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 8_000 && commit.drainers().isEmpty());
        assertThat(twice).isFalse();
        assertThat(sizes).allSatisfy(n -> assertThat(n).isBetween(1, 16));
        assertThat(commit.poll()).isNull();
        if (maxDrainers == 1) {
            // One drainer acts in the order of handing over (the asynchronous pusher relies on it).
            for (int t = 0; t < 8; t++) {
                int from = t * 1_000;
                assertThat(actedOn.stream().filter(i -> i >= from && i < from + 1_000).toList())
                        .as("producer %d's items", t).isSorted();
            }
        }
    }

    @Test
    void aFurtherDrainerStartsOnlyForAFullBatchThatTheRunningOnesHaveNotTakenAndNeverPastTheLimit() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger inAction = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        GroupCommit<Integer> commit = new GroupCommit<>("test", 10, 3, batch -> {
            sizes.add(batch.size());
            mostAtOnce.accumulateAndGet(inAction.incrementAndGet(), Math::max);
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            seen.addAll(batch);
            inAction.decrementAndGet();
        });

        commit.submit(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> inAction.get() == 1);
        for (int i = 1; i <= 9; i++) {
            commit.submit(i);
        }
        assertThat(commit.drainers()).as("9 waiting: not a full batch").hasSize(1);
        commit.submit(10);
        await().atMost(Duration.ofSeconds(10)).until(() -> inAction.get() == 2);
        for (int i = 11; i < 100; i++) {
            commit.submit(i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> inAction.get() == 3);
        assertThat(commit.drainers()).as("the limit").hasSize(3);
        release.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 100 && commit.drainers().isEmpty());
        assertThat(mostAtOnce).hasValue(3);
        assertThat(sizes.subList(0, 3)).as("the first three batches").containsExactly(1, 10, 10);
        assertThat(sizes).allSatisfy(n -> assertThat(n).isBetween(1, 10));
        assertThat(commit.poll()).isNull();

        // Every drainer left, and counted itself out: the next item starts one again.
        commit.submit(100);
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains(100) && commit.drainers().isEmpty());
    }

    @Test
    void anActionThatThrowsDoesNotStopLaterItemsFromBeingDrained() {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        GroupCommit<String> commit = new GroupCommit<>("test", 1, batch -> {
            if (batch.contains("boom")) {
                throw new AssertionError("boom");
            }
            seen.addAll(batch);
        });

        // The error ends the drainer's thread as an uncaught exception, which Awaitility would report.
        commit.submit("boom");
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(10))
                .until(() -> commit.drainers().isEmpty());
        commit.submit("after");

        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("after"));
    }
}
