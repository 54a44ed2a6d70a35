package dev.actionqueues.sequential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.actionqueues.testkit.FakeTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Seeded random schedules: tasks that fail a random number of times (returning false or throwing),
 * scheduled from the test thread before and after start. Checks that no two tasks ever run at
 * once, that first attempts start in schedule order, and that each task's success comes before the
 * next task's first attempt.
 */
class SequentialExecutorPropertyTest {

    @Test
    void orderingHoldsForRandomSchedules() {
        for (long seed = 1; seed <= 200; seed++) {
            long s = seed;
            try {
                assertTimeoutPreemptively(Duration.ofSeconds(20), () -> check(s));
            } catch (AssertionError e) {
                throw new AssertionError("failed for seed " + seed + ": " + e.getMessage(), e);
            }
        }
    }

    private static void check(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        SequentialExecutor e = SequentialExecutor.builder().sleeper(new FakeTime()).random(random.split()).build();
        List<String> events = new CopyOnWriteArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        int n = random.nextInt(1, 40);
        int startAt = random.nextInt(0, n + 1);
        for (int i = 0; i < n; i++) {
            if (i == startAt) {
                e.start();
            }
            int id = i;
            int failures = random.nextInt(0, 6);
            boolean throwing = random.nextBoolean();
            AtomicInteger calls = new AtomicInteger();
            e.schedule(() -> {
                maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    int call = calls.incrementAndGet();
                    events.add("start " + id + " " + call);
                    if (call <= failures) {
                        if (throwing) {
                            throw new IllegalStateException("fail " + id);
                        }
                        return false;
                    }
                    events.add("done " + id);
                    return true;
                } finally {
                    running.decrementAndGet();
                }
            });
        }
        if (startAt == n) {
            e.start();
        }
        assertThat(e.flush()).isTrue();
        assertThat(maxRunning.get()).isEqualTo(1);
        List<Integer> firstStarts = new ArrayList<>();
        int lastDone = -1;
        for (String ev : events) {
            String[] parts = ev.split(" ");
            int id = Integer.parseInt(parts[1]);
            if (parts[0].equals("start")) {
                assertThat(id).as("a task starts only after the previous one succeeded").isEqualTo(lastDone + 1);
                if (parts[2].equals("1")) {
                    firstStarts.add(id);
                }
            } else {
                lastDone = id;
            }
        }
        assertThat(firstStarts).isSorted().hasSize(n);
        assertThat(lastDone).isEqualTo(n - 1);
    }
}
