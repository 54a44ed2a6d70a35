package dev.actionqueues.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static List<Long> millis(Backoff b, int n) {
        List<Long> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(b.delayAfter(i).toMillis());
        }
        return out;
    }

    @Test
    void noneIsAlwaysZero() {
        assertThat(millis(Backoff.none(), 4)).containsOnly(0L);
    }

    @Test
    void constantRepeatsItsDelay() {
        assertThat(millis(Backoff.constant(Duration.ofSeconds(25)), 4)).containsOnly(25_000L);
    }

    @Test
    void linearGrowsByTheIncrementUpToTheCap() {
        assertThat(millis(Backoff.linear(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(4)), 6))
                .containsExactly(1L, 2L, 3L, 4L, 4L, 4L);
    }

    @Test
    void exponentialDoublesUpToTheCapWithoutSkippingAStep() {
        Backoff b = Backoff.exponential(Duration.ofMillis(10), Duration.ofSeconds(30));
        assertThat(millis(b, 14)).containsExactly(10L, 20L, 40L, 80L, 160L, 320L, 640L, 1280L, 2560L, 5120L,
                10240L, 20480L, 30000L, 30000L);
        assertThat(millis(Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(4)), 6))
                .containsExactly(1L, 2L, 4L, 4L, 4L, 4L);
    }

    @Test
    void exponentialNeverOverflows() {
        Backoff b = Backoff.exponential(Duration.ofMillis(1), Duration.ofMinutes(1));
        for (int i = 1; i <= 100; i++) {
            assertThat(b.delayAfter(i)).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
        }
        assertThat(b.delayAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(1));
        Backoff huge = Backoff.exponential(Duration.ofDays(365 * 200), Duration.ofSeconds(Long.MAX_VALUE));
        assertThat(huge.delayAfter(1000)).isEqualTo(Duration.ofSeconds(Long.MAX_VALUE));
    }

    @Test
    void customMultiplier() {
        assertThat(millis(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(10), 3.0), 5))
                .containsExactly(100L, 300L, 900L, 2700L, 8100L);
    }

    @Test
    void jitterStaysWithinTheRatioAndIsRepeatableWithASeed() {
        Backoff base = Backoff.exponential(Duration.ofMillis(1), Duration.ofMinutes(1));
        for (long seed = 0; seed < 50; seed++) {
            Backoff jittered = base.withJitter(0.25, new SplittableRandom(seed));
            Backoff again = base.withJitter(0.25, new SplittableRandom(seed));
            for (int i = 1; i <= 20; i++) {
                long d = base.delayAfter(i).toNanos();
                long j = jittered.delayAfter(i).toNanos();
                assertThat(j).as("seed %d failure %d", seed, i).isBetween((long) (d * 0.75), (long) (d * 1.25));
                assertThat(again.delayAfter(i).toNanos()).isEqualTo(j);
            }
        }
    }

    @Test
    void jitterActuallyVaries() {
        Backoff jittered = Backoff.constant(Duration.ofSeconds(1)).withJitter(0.5, new SplittableRandom(7));
        assertThat(millis(jittered, 20)).doesNotHaveDuplicates();
    }

    @Test
    void jitterUsesTheInjectedRandomExtremes() {
        Backoff b = Backoff.constant(Duration.ofMillis(1000)).withJitter(0.2, new FixedDouble(0.0));
        assertThat(b.delayAfter(1)).isEqualTo(Duration.ofMillis(800));
        Backoff high = Backoff.constant(Duration.ofMillis(1000)).withJitter(0.2, new FixedDouble(0.999_999));
        assertThat(high.delayAfter(1).toMillis()).isEqualTo(1199L);
    }

    @Test
    void withMaxCapsAnyBackoff() {
        Backoff b = Backoff.linear(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofHours(1))
                .withMax(Duration.ofSeconds(15));
        assertThat(millis(b, 3)).containsExactly(1000L, 11000L, 15000L);
    }

    @Test
    void rejectsInvalidArguments() {
        assertThatThrownBy(() -> Backoff.constant(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(2), 1.0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Backoff.none().withJitter(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Backoff.none().delayAfter(0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A generator whose nextDouble is fixed, to hit the jitter bounds exactly. */
    private record FixedDouble(double value) implements RandomGenerator {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public double nextDouble() {
            return value;
        }
    }
}
