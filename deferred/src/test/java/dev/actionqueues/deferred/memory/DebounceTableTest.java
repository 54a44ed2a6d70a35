package dev.actionqueues.deferred.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceDecision;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What {@link DebounceTable} remembers: which job a key waits on, and which keys it may forget. */
class DebounceTableTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private final DebounceTable table = new DebounceTable();

    @Test
    void everySweepForgetsTheKeysWithNothingPendingWhoseWindowHasPassed() {
        table.decide(new Debounce("old", Duration.ofSeconds(1), false), "o", T0);
        table.clearPending("old", "o", T0);
        table.decide(new Debounce("waiting", Duration.ofSeconds(1), false), "w", T0);
        table.decide(new Debounce("recent", Duration.ofSeconds(10), false), "r", T0);
        table.clearPending("recent", "r", T0);
        Debounce busy = new Debounce("busy", Duration.ofSeconds(1), false);
        Instant later = T0.plusSeconds(2);
        for (int decisions = 3; decisions < DebounceTable.SWEEP_EVERY - 1; decisions++) {
            table.decide(busy, "b", later);
        }
        assertThat(table.size()).isEqualTo(4);

        table.decide(busy, "b", later);

        assertThat(table.size()).as("'old' forgotten; 'waiting' and 'busy' pending; 'recent' within its window")
                .isEqualTo(3);
        assertThat(table.decide(new Debounce("old", Duration.ofSeconds(1), false), "o2", later).decision())
                .isEqualTo(DebounceDecision.PUSH_NOW);
    }

    @Test
    void onlyThePendingJobOfAKeyEndsItsPending() {
        Debounce d = new Debounce("k", Duration.ofSeconds(4), false);
        table.decide(d, "j1", T0);

        table.clearPending("k", "another job", T0.plusSeconds(1));
        table.clearPending("another key", "j1", T0.plusSeconds(1));

        assertThat(table.decide(d, "j2", T0.plusSeconds(1)).jobId()).isEqualTo("j1");
        table.clearPending("k", "j1", T0.plusSeconds(1));
        assertThat(table.decide(d, "j2", T0.plusSeconds(2)).delay()).isEqualTo(Duration.ofSeconds(3));
    }
}
