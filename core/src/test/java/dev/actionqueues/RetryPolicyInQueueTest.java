package dev.actionqueues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.actionqueues.retry.Backoff;
import dev.actionqueues.retry.RetryPolicy;
import dev.actionqueues.testkit.FakeTime;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A RetryPolicy per action, as an alternative to hand-raised ActionRetryException. */
class RetryPolicyInQueueTest {

    private final FakeTime time = new FakeTime();

    private static Action failing(int failures, Exception e, int[] calls) {
        return () -> {
            if (++calls[0] <= failures) {
                throw e;
            }
        };
    }

    @Test
    void policyRetriesExecuteWithItsBackoffUntilSuccess() {
        int[] calls = {0};
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(5)
                .backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(10))).build();
        ActionQueue q = ActionQueue.builder().sleeper(time).build()
                .add(failing(3, new IOException("blip"), calls), policy);
        q.execute();
        assertThat(calls[0]).isEqualTo(4);
        assertThat(time.sleepsMillis()).containsExactly(100L, 200L, 400L);
    }

    @Test
    void policyGivesUpAfterMaxAttemptsWithTheLastException() {
        int[] calls = {0};
        IOException down = new IOException("down");
        ActionQueue q = ActionQueue.builder().sleeper(time).build()
                .add(failing(100, down, calls), RetryPolicy.builder().maxAttempts(3).build());
        ActionFailedException e = catchThrowableOfType(ActionFailedException.class, q::execute);
        assertThat(e.getCause()).isSameAs(down);
        assertThat(calls[0]).isEqualTo(3);
        assertThat(time.sleeps()).hasSize(2);
    }

    @Test
    void nonRetryableExceptionFailsAtOnce() {
        int[] calls = {0};
        ActionQueue q = ActionQueue.builder().sleeper(time).build()
                .add(failing(100, new IllegalArgumentException("bad"), calls),
                        RetryPolicy.builder().retryOn(IOException.class).maxAttempts(5).build());
        catchThrowableOfType(ActionFailedException.class, q::execute);
        assertThat(calls[0]).isEqualTo(1);
        assertThat(time.sleeps()).isEmpty();
    }

    @Test
    void policyAppliesToRollbackToo() {
        int[] calls = {0};
        Action a = Action.of(() -> { }, () -> {
            if (++calls[0] < 3) {
                throw new IOException("undo blip");
            }
        });
        ActionQueue q = ActionQueue.builder().sleeper(time).build()
                .add(a, RetryPolicy.builder().maxAttempts(3).backoff(Backoff.constant(Duration.ofMillis(5))).build());
        q.execute();
        RollbackReport report = q.rollback();
        assertThat(report.isClean()).isTrue();
        assertThat(report.entries().get(0).attempts()).isEqualTo(3);
        assertThat(time.sleepsMillis()).containsExactly(5L, 5L);
    }

    @Test
    void maxElapsedIsMeasuredOnTheInjectedClock() {
        int[] calls = {0};
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(1000).backoff(Backoff.constant(Duration.ofSeconds(1)))
                .maxElapsed(Duration.ofSeconds(10)).build();
        ActionQueue q = ActionQueue.builder().sleeper(time).clock(time).build()
                .add(failing(1000, new IOException("x"), calls), policy);
        catchThrowableOfType(ActionFailedException.class, q::execute);
        assertThat(time.sleeps()).hasSize(10);
        assertThat(calls[0]).isEqualTo(11);
    }

    @Test
    void builderDefaultPolicyAppliesToActionsAddedWithoutOne() {
        int[] calls = {0};
        ActionQueue q = ActionQueue.builder().sleeper(time).retryPolicy(RetryPolicy.builder().maxAttempts(4).build())
                .build().add(failing(3, new IOException(), calls));
        q.execute();
        assertThat(calls[0]).isEqualTo(4);
    }

    @Test
    void withoutAPolicyAnOrdinaryExceptionIsNotRetried() {
        int[] calls = {0};
        ActionQueue q = ActionQueue.builder().sleeper(time).build().add(failing(1, new IOException(), calls));
        catchThrowableOfType(ActionFailedException.class, q::execute);
        assertThat(calls[0]).isEqualTo(1);
    }
}
