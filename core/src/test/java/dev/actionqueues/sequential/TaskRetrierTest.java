package dev.actionqueues.sequential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actionqueues.retry.Backoff;
import dev.actionqueues.retry.RetryPolicy;
import dev.actionqueues.retry.Sleeper;
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
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(maxAttempts)
                .backoff(Backoff.linear(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(10)))
                .retryOn(Throwable.class).build();
        return new TaskRetrier(policy, sleeper, handler, listener, stopped::get);
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
