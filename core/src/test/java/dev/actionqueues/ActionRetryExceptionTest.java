package dev.actionqueues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ActionRetryExceptionTest {

    @Test
    void defaultsToNoBackoff() {
        assertThat(new ActionRetryException().msBackoff()).isZero();
    }

    @Test
    void carriesMillisecondsAndDurationForms() {
        assertThat(new ActionRetryException(250).msBackoff()).isEqualTo(250);
        assertThat(new ActionRetryException(Duration.ofSeconds(2)).msBackoff()).isEqualTo(2000);
        assertThat(new ActionRetryException(Duration.ofSeconds(2)).backoff()).isEqualTo(Duration.ofSeconds(2));
        assertThat(new ActionRetryException(5)).isInstanceOf(RuntimeException.class)
                .isInstanceOf(ActionQueuesException.class);
    }

    @Test
    void negativeBackoffIsRejectedAtCreation() {
        assertThatThrownBy(() -> new ActionRetryException(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> new ActionRetryException(Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
