package dev.actionqueues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.actionqueues.testing.LogCapture;
import dev.actionqueues.testkit.FakeTime;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActionQueueListenerTest {

    private final List<String> events = new ArrayList<>();

    private final ActionQueueListener recorder = new ActionQueueListener() {
        @Override
        public void actionStarted(int index, Action action, Phase phase, int attempt) {
            events.add("started " + index + " " + phase + " #" + attempt);
        }

        @Override
        public void retryScheduled(int index, Action action, Phase phase, int attempt, Duration delay, Throwable cause) {
            events.add("retry " + index + " " + phase + " #" + attempt + " in " + delay.toMillis() + "ms");
        }

        @Override
        public void actionFailed(int index, Action action, Throwable cause) {
            events.add("failed " + index + " " + cause.getMessage());
        }

        @Override
        public void actionRolledBack(int index, Action action) {
            events.add("rolled back " + index);
        }

        @Override
        public void rollbackFailed(int index, Action action, Throwable cause) {
            events.add("rollback failed " + index + " " + cause.getMessage());
        }
    };

    @Test
    void reportsStartsRetriesFailuresAndRollbacksInOrder() {
        int[] calls = {0};
        Action flaky = Action.of(() -> {
            if (++calls[0] == 1) {
                throw new ActionRetryException(30);
            }
        }, () -> {
            throw new IOException("undo failed");
        });
        Action broken = Action.of(() -> {
            throw new IOException("down");
        }, () -> { });
        ActionQueue q = ActionQueue.builder().sleeper(new FakeTime()).listener(recorder).build().add(flaky).add(broken);

        assertThatThrownBy(q::run).isInstanceOf(ActionFailedException.class);

        assertThat(events).containsExactly(
                "started 0 EXECUTE #1",
                "retry 0 EXECUTE #1 in 30ms",
                "started 0 EXECUTE #2",
                "started 1 EXECUTE #1",
                "failed 1 down",
                "started 1 ROLLBACK #1",
                "rolled back 1",
                "started 0 ROLLBACK #1",
                "rollback failed 0 undo failed");
    }

    @Test
    void reportsEachSuccessfulExecuteWithTheAttemptsItTook() {
        List<String> executed = new ArrayList<>();
        ActionQueueListener listener = new ActionQueueListener() {
            @Override
            public void actionExecuted(int index, Action action, int attempts) {
                executed.add(index + " after " + attempts);
            }
        };
        int[] calls = {0};
        Action flaky = Action.of(() -> {
            if (++calls[0] < 3) {
                throw new ActionRetryException(10);
            }
        }, () -> { });
        Action broken = Action.of(() -> {
            throw new IOException("down");
        }, () -> { });
        ActionQueue q = ActionQueue.builder().sleeper(new FakeTime()).listener(listener).build()
                .add(() -> { }).add(flaky).add(broken);

        assertThatThrownBy(q::execute).isInstanceOf(ActionFailedException.class);

        assertThat(executed).containsExactly("0 after 1", "1 after 3");
    }

    @Test
    void aThrowingListenerIsLoggedAndIgnored() {
        ActionQueueListener bad = new ActionQueueListener() {
            @Override
            public void actionStarted(int index, Action action, Phase phase, int attempt) {
                throw new IllegalStateException("listener bug");
            }
        };
        int[] ran = {0};
        ActionQueue q = ActionQueue.builder().listener(bad).listener(recorder).build().add(() -> ran[0]++);
        try (LogCapture log = new LogCapture(ActionQueue.class)) {
            q.execute();
            assertThat(log.at(Level.WARN)).singleElement()
                    .satisfies(e -> assertThat(e.getFormattedMessage()).contains("listener"));
        }
        assertThat(ran[0]).isEqualTo(1);
        assertThat(events).containsExactly("started 0 EXECUTE #1");
    }
}
