package dev.actionqueues.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FakeTimeTest {

    private final FakeTime time = new FakeTime();

    @Test
    void sleepsAreRecordedAndMoveTheClockAndTheTickerTogether() throws InterruptedException {
        time.sleep(Duration.ofMillis(10));
        time.advance(Duration.ofSeconds(1));
        time.sleep(Duration.ofNanos(1_500_000));

        assertThat(time.sleeps()).containsExactly(Duration.ofMillis(10), Duration.ofNanos(1_500_000));
        assertThat(time.sleepsMillis()).containsExactly(10L, 1L);
        assertThat(time.instant()).isEqualTo(FakeTime.DEFAULT_START.plusNanos(1_011_500_000));
        assertThat(time.read()).isEqualTo(1_011_500_000L);
    }

    @Test
    void aNegativeSleepIsRecordedButTimeNeverMovesBack() throws InterruptedException {
        FakeTime other = new FakeTime(Instant.EPOCH);
        other.sleep(Duration.ofSeconds(-1));

        assertThat(other.sleeps()).containsExactly(Duration.ofSeconds(-1));
        assertThat(other.instant()).isEqualTo(Instant.EPOCH);
        assertThat(other.read()).isZero();
        assertThatThrownBy(() -> other.advance(Duration.ofNanos(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anInterruptedSleepThrowsClearsTheFlagAndRecordsNothing() {
        Thread.currentThread().interrupt();

        assertThatThrownBy(() -> time.sleep(Duration.ofSeconds(1))).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        assertThat(time.sleeps()).isEmpty();
        assertThat(time.instant()).isEqualTo(FakeTime.DEFAULT_START);
    }
}
