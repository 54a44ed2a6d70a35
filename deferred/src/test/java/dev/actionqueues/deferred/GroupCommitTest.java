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
import org.junit.jupiter.api.Test;

/** The drainers run on real virtual threads, so the waits are conditions. */
class GroupCommitTest {

    @Test
    void everyItemHandedOverByManyThreadsIsActedOnOnceInBoundedBatches() throws Exception {
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        AtomicBoolean twice = new AtomicBoolean();
        GroupCommit<Integer> commit = new GroupCommit<>("test", 16, batch -> {
            sizes.add(batch.size());
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

        commit.submit("boom");
        // The drainer's AssertionError reaches the uncaught-exception handler after it left drainers(),
        // so it may land in either wait below: it is the point of the test, not a failure of it.
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(10)).until(() -> commit.drainers().isEmpty());
        commit.submit("after");

        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("after"));
    }
}
