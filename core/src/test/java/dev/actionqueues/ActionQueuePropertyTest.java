package dev.actionqueues;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actionqueues.testkit.FakeTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded random queues: actions that succeed, ask for a random number of retries, or fail, in
 * execute and in rollback. Checks execution order, where execution stops, and rollback order.
 */
class ActionQueuePropertyTest {

    @Test
    void orderStopAndRollbackHoldForRandomQueues() {
        for (long seed = 1; seed <= 500; seed++) {
            try {
                check(seed);
            } catch (AssertionError e) {
                throw new AssertionError("failed for seed " + seed + ": " + e.getMessage(), e);
            }
        }
    }

    private static void check(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = random.nextInt(0, 12);
        List<String> log = new ArrayList<>();
        FakeTime time = new FakeTime();
        ActionQueue q = ActionQueue.builder().sleeper(time).build();
        int firstFailure = -1;
        long expectedSleeps = 0;
        for (int i = 0; i < n; i++) {
            int index = i;
            int retries = random.nextInt(0, 4);
            boolean fails = random.nextInt(5) == 0;
            boolean rollbackFails = random.nextInt(4) == 0;
            if (fails && firstFailure < 0) {
                firstFailure = i;
            }
            if (firstFailure < 0 || firstFailure == i) {
                expectedSleeps += retries;
            }
            int[] calls = {0};
            q.add(Action.of(() -> {
                log.add("x" + index);
                if (calls[0]++ < retries) {
                    throw new ActionRetryException(random.nextInt(0, 1000));
                }
                if (fails) {
                    throw new IllegalStateException("fail " + index);
                }
            }, () -> {
                log.add("r" + index);
                if (rollbackFails) {
                    throw new IllegalStateException("rollback fail " + index);
                }
            }));
        }
        int lastExecuted;
        try {
            q.execute();
            assertThat(firstFailure).isEqualTo(-1);
            lastExecuted = n - 1;
        } catch (ActionFailedException e) {
            assertThat(e.index()).isEqualTo(firstFailure);
            lastExecuted = firstFailure;
        }
        assertThat(time.sleeps()).hasSize((int) expectedSleeps);
        List<String> executes = log.stream().filter(s -> s.startsWith("x")).distinct().toList();
        List<String> expectedExecutes = new ArrayList<>();
        for (int i = 0; i <= lastExecuted; i++) {
            expectedExecutes.add("x" + i);
        }
        assertThat(executes).containsExactlyElementsOf(expectedExecutes);

        log.clear();
        RollbackReport report = q.rollback();
        List<String> expectedRollbacks = new ArrayList<>();
        for (int i = lastExecuted; i >= 0; i--) {
            expectedRollbacks.add("r" + i);
        }
        assertThat(log).containsExactlyElementsOf(expectedRollbacks);
        assertThat(report.entries()).hasSize(lastExecuted + 1);
    }
}
