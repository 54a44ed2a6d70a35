package dev.actionqueues.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DefaultBackoffTest {

    @Test
    void isTheSeedsTwoPlusTwoToTheAttemptCappedAt900Seconds() {
        assertThat(IntStream.rangeClosed(1, 12).mapToObj(Deferrable.DEFAULT_BACKOFF::delayAfter)
                .map(Duration::toSeconds))
                .containsExactly(4L, 6L, 10L, 18L, 34L, 66L, 130L, 258L, 514L, 900L, 900L, 900L);
        assertThat(Deferrable.DEFAULT_BACKOFF.delayAfter(100)).isEqualTo(Duration.ofSeconds(900));
        assertThat(Deferrable.DEFAULT_BACKOFF.delayAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(900));
        assertThatThrownBy(() -> Deferrable.DEFAULT_BACKOFF.delayAfter(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
