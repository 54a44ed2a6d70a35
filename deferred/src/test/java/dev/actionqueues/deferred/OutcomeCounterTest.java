package dev.actionqueues.deferred;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actionqueues.retry.Backoff;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutcomeCounterTest {

    @Test
    void countsRunsRetriesFailuresAndExpiries() {
        Fixture f = new Fixture();
        OutcomeCounter counts = new OutcomeCounter();
        Deferrable d = f.builder().backoff(Backoff.none()).listener(counts).build();
        d.register("ok", String.class, s -> { }).later("a");
        d.register("flaky", String.class, TaskOptions.builder().maxAttempts(2).retryOn(IOException.class).build(),
                s -> {
                    throw new IOException("down");
                }).later("b");
        d.register("stale", String.class, TaskOptions.builder().ttl(Duration.ofSeconds(1)).build(), s -> { })
                .later("c");
        f.time.advance(Duration.ofSeconds(2));

        while (d.runOnce().status() != RunOutcome.Status.EMPTY) {
            f.time.advance(Duration.ofSeconds(1));
        }

        assertThat(counts.done()).isEqualTo(4);
        assertThat(counts.retried()).isEqualTo(1);
        assertThat(counts.failed()).isEqualTo(1);
        assertThat(counts.expired()).isEqualTo(1);
        assertThat(counts).hasToString("4 done, 1 retried, 1 failed, 1 expired");
    }
}
