package dev.actionqueues.sequential;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.actionqueues.retry.Backoff;
import dev.actionqueues.retry.RetryPolicy;
import dev.actionqueues.retry.Sleeper;
import dev.actionqueues.testing.LogCapture;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TaskRetrierTest {

    private final List<String> events = new ArrayList<>();
    private final List<Duration> sleeps = new ArrayList<>();
    private final Sleeper sleeper = sleeps::add;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private final SequentialExecutorListener listener = new SequentialExecutorListener() {
        @Override
        public void retryScheduled(Task task, int attempt, Throwable failure, Duration delay) {
            events.add("retry " + attempt + " " + failure + " " + delay.toMillis());
        }

        @Override
        public void gaveUp(Task task, int attempts, Throwable lastFailure) {
            events.add("gaveUp " + attempts + " " + lastFailure);
        }
    };

    private TaskRetrier retrier(int maxAttempts, GiveUpHandler handler) {
        return retrier(maxAttempts, handler, SequentialExecutor.DEFAULT_WARN_AFTER_FAILURES);
    }

    private TaskRetrier retrier(int maxAttempts, GiveUpHandler handler, int warnAfterFailures) {
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(maxAttempts)
                .backoff(Backoff.linear(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(10)))
                .retryOn(Throwable.class).build();
        return new TaskRetrier(policy, sleeper, handler, listener, stopped::get, warnAfterFailures);
    }

    @Test
    void theDelaysComeFromThePolicyAndAFalseResultReachesTheListenerAndHandlerAsNull() {
        List<String> handled = new ArrayList<>();
        TaskRetrier retrier = retrier(3, (task, attempts, last) -> handled.add(attempts + " " + last));

        assertThat(retrier.run(() -> false, 3)).isTrue();

        assertThat(sleeps).containsExactly(Duration.ofMillis(1), Duration.ofMillis(2));
        assertThat(events).containsExactly("retry 1 null 1", "retry 2 null 2", "gaveUp 3 null");
        assertThat(handled).containsExactly("3 null");
    }

    @Test
    void aTasksOwnLimitOverridesThePolicysAndTheRealExceptionIsReported() {
        IllegalStateException boom = new IllegalStateException("boom");
        AtomicInteger calls = new AtomicInteger();
        TaskRetrier retrier = retrier(Integer.MAX_VALUE, null);

        assertThat(retrier.run(() -> {
            calls.incrementAndGet();
            throw boom;
        }, 2)).isTrue();

        assertThat(calls).hasValue(2);
        assertThat(events).containsExactly("retry 1 " + boom + " 1", "gaveUp 2 " + boom);
        assertThat(retrier.defaultMaxAttempts()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void retriesAreDebugAndTheThirdFailureInARowIsOneWarnByDefault() {
        AtomicInteger calls = new AtomicInteger();
        Task task = new Task() {
            @Override
            public boolean run() throws Exception {
                int n = calls.incrementAndGet();
                if (n == 2) {
                    return false;
                }
                if (n < 6) {
                    throw new IOException("down " + n);
                }
                return true;
            }

            @Override
            public String toString() {
                return "replay";
            }
        };

        try (LogCapture log = new LogCapture(SequentialExecutor.class)) {
            assertThat(retrier(Integer.MAX_VALUE, null).run(task, Integer.MAX_VALUE)).isTrue();

            assertThat(log.events()).extracting(ILoggingEvent::getLevel)
                    .containsExactly(Level.DEBUG, Level.DEBUG, Level.WARN, Level.DEBUG, Level.DEBUG);
            assertThat(log.messages(Level.DEBUG)).containsExactly(
                    "task replay failed (1 in a row); retrying in PT0.001S: java.io.IOException: down 1",
                    "task replay failed (2 in a row); retrying in PT0.002S: it returned false",
                    "task replay failed (4 in a row); retrying in PT0.004S: java.io.IOException: down 4",
                    "task replay failed (5 in a row); retrying in PT0.005S: java.io.IOException: down 5");
            assertThat(log.messages(Level.WARN))
                    .containsExactly("task replay has failed 3 times in a row; retrying in PT0.003S");
            assertThat(log.at(Level.WARN).get(0).getThrowableProxy().getMessage()).isEqualTo("down 3");
        }
    }

    @Test
    void theWarnThresholdIsConfigurableAndCountsOneTasksFailuresInARow() {
        try (LogCapture log = new LogCapture(SequentialExecutor.class)) {
            TaskRetrier retrier = retrier(Integer.MAX_VALUE, null, 1);
            AtomicInteger calls = new AtomicInteger();
            retrier.run(() -> calls.incrementAndGet() % 3 == 0, Integer.MAX_VALUE);
            retrier.run(() -> calls.incrementAndGet() % 3 == 0, Integer.MAX_VALUE);

            assertThat(log.messages(Level.WARN)).as("one per task, at its first failure").hasSize(2)
                    .allMatch(m -> m.contains("has failed 1 times in a row"));
            assertThat(log.at(Level.WARN)).allMatch(e -> e.getThrowableProxy() == null);
            assertThat(log.at(Level.DEBUG)).hasSize(2);
        }
    }

    @Test
    void aStopDuringAnAttemptEndsTheRunWithoutRetryOrGiveUp() {
        TaskRetrier retrier = retrier(5, (task, attempts, last) -> events.add("handler"));

        assertThat(retrier.run(() -> {
            stopped.set(true);
            return false;
        }, 5)).isFalse();

        assertThat(sleeps).isEmpty();
        assertThat(events).isEmpty();
    }
}
