package dev.actionqueues.exceptionfactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.actionqueues.ActionQueue;
import dev.actionqueues.ActionRetryException;
import dev.actionqueues.ActionFailedException;
import dev.actionqueues.testkit.FakeTime;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DoublingBackoffExceptionFactoryTest {

    private static List<Long> retryBackoffs(ExceptionFactory f, int calls, List<Throwable> finals) {
        List<Long> backoffs = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            Throwable t = catchThrowable(() -> f.raiseException(null));
            if (t instanceof ActionRetryException r) {
                backoffs.add(r.msBackoff());
            } else {
                finals.add(t);
            }
        }
        return backoffs;
    }

    @Test
    void defaultsAreThreeRetriesFrom500ms() {
        List<Throwable> finals = new ArrayList<>();
        assertThat(retryBackoffs(new DoublingBackoffExceptionFactory(), 5, finals)).containsExactly(500L, 1000L, 2000L);
        assertThat(finals).hasSize(2).allSatisfy(t -> assertThat(t)
                .isInstanceOf(RetriesExhaustedException.class).hasMessageContaining("3 retries"));
    }

    @Test
    void customRetriesDoubleFromTheInitialBackoff() {
        List<Throwable> finals = new ArrayList<>();
        assertThat(retryBackoffs(new DoublingBackoffExceptionFactory(4, 100), 6, finals))
                .containsExactly(100L, 200L, 400L, 800L);
        assertThat(finals).hasSize(2).noneMatch(t -> t instanceof ActionRetryException);
    }

    @Test
    void throwsTheOriginalPassedToThatCallOnceRetriesRunOut() {
        DoublingBackoffExceptionFactory f = new DoublingBackoffExceptionFactory(1, 100);
        IOException first = new IOException("first");
        Throwable retry = catchThrowable(() -> f.raiseException(first));
        assertThat(retry).isInstanceOf(ActionRetryException.class).hasCause(first);
        assertThat(((ActionRetryException) retry).msBackoff()).isEqualTo(100);

        IOException io = new IOException("io");
        assertThat(catchThrowable(() -> f.raiseException(io))).isSameAs(io);
        ArithmeticException div = new ArithmeticException("/ by zero");
        assertThat(catchThrowable(() -> f.raiseException(div))).isSameAs(div);
    }

    @Test
    void providedFinalExceptionWinsAndChainsTheOriginal() {
        IllegalStateException provided = new IllegalStateException("billing is down");
        DoublingBackoffExceptionFactory f = new DoublingBackoffExceptionFactory(0, 100, provided);
        IOException original = new IOException("timeout");
        Throwable t = catchThrowable(() -> f.raiseException(original));
        assertThat(t).isSameAs(provided).hasCause(original);
        assertThat(catchThrowable(() -> f.raiseException(new IOException("again")))).isSameAs(provided);
        assertThat(provided.getCause()).isSameAs(original);
    }

    @Test
    void providedExceptionWithACauseAlreadySetGetsTheOriginalAsSuppressed() {
        RuntimeException provided = new RuntimeException("final", null);
        DoublingBackoffExceptionFactory f = new DoublingBackoffExceptionFactory(0, 1, provided);
        IOException original = new IOException("x");
        assertThat(catchThrowable(() -> f.raiseException(original))).isSameAs(provided);
        assertThat(provided.getSuppressed()).containsExactly(original);
    }

    @Test
    void zeroRetriesThrowsTheFinalExceptionAtOnce() {
        IOException original = new IOException("x");
        assertThat(catchThrowable(() -> new DoublingBackoffExceptionFactory(0, 500).raiseException(original)))
                .isSameAs(original);
    }

    @Test
    void backoffSaturatesInsteadOfOverflowing() {
        DoublingBackoffExceptionFactory f = new DoublingBackoffExceptionFactory(70, Long.MAX_VALUE / 4);
        List<Long> backoffs = retryBackoffs(f, 70, new ArrayList<>());
        assertThat(backoffs).hasSize(70).allMatch(b -> b > 0);
        assertThat(backoffs.get(69)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void rejectsNegativeArguments() {
        assertThatThrownBy(() -> new DoublingBackoffExceptionFactory(-1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DoublingBackoffExceptionFactory(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void drivesAnActionQueueLikeTheSeedsReadmeExample() {
        FakeTime time = new FakeTime();
        DoublingBackoffExceptionFactory executeFactory = new DoublingBackoffExceptionFactory(5, 100);
        int[] runs = {0};
        ActionQueue q = ActionQueue.builder().sleeper(time).build().add(() -> {
            runs[0]++;
            try {
                throw new ArithmeticException("/ by zero");
            } catch (ArithmeticException e) {
                executeFactory.raiseException(e);
            }
        });
        Throwable t = catchThrowable(q::execute);
        assertThat(t).isInstanceOf(ActionFailedException.class).cause().isInstanceOf(ArithmeticException.class);
        assertThat(runs[0]).isEqualTo(6);
        assertThat(time.sleepsMillis()).containsExactly(100L, 200L, 400L, 800L, 1600L);
        assertThat(executeFactory.remainingRetries()).isZero();
    }
}
