package dev.actionqueues.deferred.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceDecision;
import dev.actionqueues.deferred.spi.DebounceResult;
import dev.actionqueues.testkit.FakeTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The in-memory debounce store beside a queue that keeps no debounce state, on fake time. */
class InMemoryDebounceStoreTest {

    private static final Duration W = Duration.ofSeconds(10);

    private final FakeTime time = new FakeTime();
    private final InMemoryDebounceStore store = InMemoryDebounceStore.create(time);

    @Test
    void decidesByTheRulesOfDebounceAndCountsTheLastStartFromTheClaim() {
        Debounce d = new Debounce("k", W, false);
        assertThat(store.decide("q", d, "a").decision()).isEqualTo(DebounceDecision.PUSH_NOW);
        DebounceResult skip = store.decide("q", d, "b");
        assertThat(skip.decision()).isEqualTo(DebounceDecision.SKIP);
        assertThat(skip.jobId()).isEqualTo("a");

        time.advance(Duration.ofSeconds(4));
        store.started("q", "k", "a");
        time.advance(Duration.ofSeconds(2));
        DebounceResult trailing = store.decide("q", d, "c");
        assertThat(trailing.decision()).isEqualTo(DebounceDecision.PUSH_DELAYED);
        assertThat(trailing.delay()).as("a window from the start, not from the push").isEqualTo(Duration.ofSeconds(8));
        assertThat(store.decide("other-queue", d, "x").decision()).as("scopes are apart")
                .isEqualTo(DebounceDecision.PUSH_NOW);
    }

    @Test
    void anAbandonedPushFreesTheKeyAndAStaleStartChangesNothing() {
        Debounce d = new Debounce("k", W, true);
        assertThat(store.decide("q", d, "a").delay()).isEqualTo(W);
        store.started("q", "k", "not-the-pending-job");
        assertThat(store.decide("q", d, "b").decision()).isEqualTo(DebounceDecision.SKIP);

        store.abandoned("q", "k", "a");

        assertThat(store.decide("q", d, "b").decision()).isEqualTo(DebounceDecision.PUSH_DELAYED);
        store.flush("q");
        assertThat(store.decide("q", d, "c").jobId()).as("flushed: nothing pending").isEqualTo("c");
    }
}
