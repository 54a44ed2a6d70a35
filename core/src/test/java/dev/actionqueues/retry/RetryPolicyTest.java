package dev.actionqueues.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final IOException io = new IOException("x");

    @Test
    void maxAttemptsCountsTheFirstAttempt() {
        RetryPolicy p = RetryPolicy.builder().maxAttempts(3).build();
        assertThat(p.decide(1, io).retry()).isTrue();
        assertThat(p.decide(2, io).retry()).isTrue();
        RetryDecision third = p.decide(3, io);
        assertThat(third.retry()).isFalse();
        assertThat(third.reason()).contains("3 of 3 attempts");
        assertThat(RetryPolicy.builder().maxAttempts(1).build().decide(1, io).retry()).isFalse();
    }

    @Test
    void delaysComeFromTheBackoff() {
        RetryPolicy p = RetryPolicy.builder().maxAttempts(5)
                .backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1))).build();
        assertThat(p.decide(1, io).delay()).isEqualTo(Duration.ofMillis(100));
        assertThat(p.decide(4, io).delay()).isEqualTo(Duration.ofMillis(800));
    }

    @Test
    void retriesOnlyTheListedClassesAndTheirSubclasses() {
        RetryPolicy p = RetryPolicy.builder().retryOn(IOException.class).build();
        assertThat(p.decide(1, new FileNotFoundException()).retry()).isTrue();
        RetryDecision d = p.decide(1, new IllegalStateException());
        assertThat(d.retry()).isFalse();
        assertThat(d.reason()).contains("not retryable");
    }

    @Test
    void abortOnWinsOverRetryOn() {
        RetryPolicy p = RetryPolicy.builder().retryOn(IOException.class).abortOn(FileNotFoundException.class).build();
        assertThat(p.decide(1, new FileNotFoundException()).retry()).isFalse();
        assertThat(p.decide(1, new FileNotFoundException()).reason()).startsWith("aborted on");
        assertThat(p.isRetryable(new IOException())).isTrue();
    }

    @Test
    void defaultRetriesExceptionsButNotErrors() {
        RetryPolicy p = RetryPolicy.builder().build();
        assertThat(p.maxAttempts()).isEqualTo(RetryPolicy.DEFAULT_MAX_ATTEMPTS);
        assertThat(p.isRetryable(new RuntimeException())).isTrue();
        assertThat(p.isRetryable(new AssertionError())).isFalse();
    }

    @Test
    void maxElapsedStopsWhenTheNextAttemptWouldStartTooLate() {
        RetryPolicy p = RetryPolicy.builder().maxAttempts(100).backoff(Backoff.constant(Duration.ofSeconds(1)))
                .maxElapsed(Duration.ofSeconds(5)).build();
        assertThat(p.decide(3, io, Duration.ofSeconds(4)).retry()).isTrue();
        RetryDecision d = p.decide(4, io, Duration.ofMillis(4001));
        assertThat(d.retry()).isFalse();
        assertThat(d.reason()).contains("max elapsed");
    }

    @Test
    void builderIsReusableAndToBuilderCopies() {
        RetryPolicy.Builder b = RetryPolicy.builder().maxAttempts(2);
        RetryPolicy first = b.build();
        RetryPolicy second = b.maxAttempts(9).build();
        assertThat(first.maxAttempts()).isEqualTo(2);
        assertThat(second.maxAttempts()).isEqualTo(9);
        RetryPolicy copy = second.toBuilder().retryOn(IOException.class).build();
        assertThat(copy.maxAttempts()).isEqualTo(9);
        assertThat(copy.retryOn()).containsExactly(IOException.class);
        assertThat(second.retryOn()).containsExactly(Exception.class);
    }

    @Test
    void foreverNeverGivesUpOnCount() {
        RetryPolicy p = RetryPolicy.forever(Backoff.none());
        assertThat(p.decide(1_000_000, io).retry()).isTrue();
    }

    @Test
    void validatesArguments() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.builder().maxElapsed(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.builder().backoff(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> RetryPolicy.builder().build().decide(0, io))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryDecision.retryAfter(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
