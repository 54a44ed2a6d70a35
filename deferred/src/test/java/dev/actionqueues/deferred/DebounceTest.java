package dev.actionqueues.deferred;

import static dev.actionqueues.deferred.EventType.DEBOUNCE_ERROR;
import static dev.actionqueues.deferred.EventType.DEBOUNCE_HIT;
import static dev.actionqueues.deferred.EventType.DEBOUNCE_MISS;
import static dev.actionqueues.deferred.EventType.PUSH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.deferred.RunOutcome.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DebounceTest {

    private static final Duration W = Duration.ofSeconds(10);
    private final Fixture f = new Fixture();
    private final List<String> runs = new ArrayList<>();

    private TaskHandle<String> task(Deferrable d, boolean alwaysDelay) {
        return d.register("debounced", String.class,
                TaskOptions.builder().debounce(W).debounceAlwaysDelay(alwaysDelay).build(), runs::add);
    }

    private void drain(Deferrable d) {
        while (d.runOnce().status() != Status.EMPTY) {
            // run everything that is due
        }
    }

    @Test
    void leadingModeRunsTheFirstCallAtOnceAndCollapsesTheRestIntoOneTrailingRun() {
        Deferrable d = f.deferrable();
        TaskHandle<String> t = task(d, false);

        LaterResult first = t.later("x");
        assertThat(f.takeEventTypes()).containsExactly(DEBOUNCE_MISS, PUSH);
        drain(d);
        assertThat(runs).hasSize(1);

        f.time.advance(Duration.ofSeconds(2));
        LaterResult second = t.later("x");
        f.time.advance(Duration.ofSeconds(1));
        LaterResult third = t.later("x");
        LaterResult fourth = t.later("x");

        assertThat(first.debounced()).isFalse();
        assertThat(second.debounced()).isFalse();
        assertThat(second.delay()).isEqualTo(Duration.ofSeconds(8));
        assertThat(third.debounced()).isTrue();
        assertThat(third.jobId()).isEqualTo(second.jobId());
        assertThat(fourth.debounced()).isTrue();
        f.events.clear();
        t.later("x");
        assertThat(f.takeEventTypes()).containsExactly(DEBOUNCE_HIT);

        drain(d);
        assertThat(runs).as("nothing before the window's end").hasSize(1);
        f.time.advance(Duration.ofSeconds(7));
        drain(d);
        assertThat(runs).as("one trailing run at t0 + W").hasSize(2);
    }

    @Test
    void callsAfterTheTrailingRunStartedAreNeverLost() {
        Deferrable d = f.deferrable();
        TaskHandle<String> t = task(d, false);
        t.later("x");
        drain(d);
        f.time.advance(Duration.ofSeconds(5));
        t.later("x");
        f.time.advance(Duration.ofSeconds(5));
        drain(d);
        assertThat(runs).hasSize(2);

        // In the seed this call was skipped (the debounce key lived until t=15 s) and never ran.
        f.time.advance(Duration.ofSeconds(1));
        LaterResult late = t.later("x");

        assertThat(late.debounced()).isFalse();
        f.time.advance(late.delay());
        drain(d);
        assertThat(runs).hasSize(3);
    }

    @Test
    void leadingModeRunsOfOneKeyStartAtLeastOneWindowApart() {
        List<Long> starts = new ArrayList<>();
        Deferrable d = f.builder().listener(e -> {
            if (e.type() == EventType.POP) {
                starts.add(f.time.millis());
            }
        }).build();
        TaskHandle<String> t2 = task(d, false);
        for (int second = 0; second < 60; second++) {
            t2.later("x");
            drain(d);
            f.time.advance(Duration.ofMillis(700));
        }
        drain(d);
        assertThat(starts).hasSizeGreaterThan(3);
        for (int i = 1; i < starts.size(); i++) {
            assertThat(starts.get(i) - starts.get(i - 1)).isGreaterThanOrEqualTo(W.toMillis());
        }
    }

    @Test
    void alwaysDelayModeSchedulesOneWindowLaterAndCollapsesUntilTheRunStarts() {
        Deferrable d = f.deferrable();
        TaskHandle<String> t = task(d, true);

        LaterResult first = t.later("x");
        assertThat(first.delay()).isEqualTo(W);
        assertThat(t.later("x").debounced()).isTrue();
        drain(d);
        assertThat(runs).isEmpty();

        f.time.advance(W);
        assertThat(t.later("x").debounced()).as("before the run starts").isTrue();
        drain(d);
        assertThat(runs).hasSize(1);

        LaterResult next = t.later("x");
        assertThat(next.debounced()).isFalse();
        assertThat(next.delay()).isEqualTo(W);
        f.time.advance(W);
        drain(d);
        assertThat(runs).hasSize(2);
    }

    @Test
    void differentArgumentsAreDebouncedSeparately() {
        Deferrable d = f.deferrable();
        TaskHandle<String> t = task(d, true);
        assertThat(t.later("a").debounced()).isFalse();
        assertThat(t.later("b").debounced()).isFalse();
        f.time.advance(W);
        drain(d);
        assertThat(runs).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void theKeyUsesCanonicalJsonSoMapOrderDoesNotMatter() {
        Deferrable d = f.deferrable();
        List<Object> seen = new ArrayList<>();
        @SuppressWarnings({"unchecked", "rawtypes"})
        TaskHandle<Map> t = d.register("maps", Map.class, TaskOptions.builder().debounce(W).debounceAlwaysDelay(true)
                .build(), seen::add);
        Map<String, Integer> ab = new java.util.LinkedHashMap<>();
        ab.put("a", 1);
        ab.put("b", 2);
        Map<String, Integer> ba = new java.util.LinkedHashMap<>();
        ba.put("b", 2);
        ba.put("a", 1);
        assertThat(t.later(ab).debounced()).isFalse();
        assertThat(t.later(ba).debounced()).isTrue();
        assertThat(t.later(new TreeMap<>(Map.of("a", 1, "b", 3))).debounced()).isFalse();
    }

    @Test
    void anExplicitKeyCollapsesCallsWhateverTheirArgumentsAndTheRunCarriesTheFirstCallsArguments() {
        Deferrable d = f.deferrable();
        TaskHandle<String> t = task(d, true);
        LaterResult first = t.later("first", "team-42");
        LaterResult second = t.later("second", "team-42");
        LaterResult other = t.later("third", "team-7");

        assertThat(second.debounced()).isTrue();
        assertThat(second.jobId()).isEqualTo(first.jobId());
        assertThat(other.debounced()).isFalse();
        f.time.advance(W);
        drain(d);
        assertThat(runs).containsExactlyInAnyOrder("first", "third");
    }

    @Test
    void anExplicitKeyNeedsADebounceWindow() {
        Deferrable d = f.deferrable();
        TaskHandle<String> plain = d.register("plain", String.class, s -> { });
        assertThatThrownBy(() -> plain.later("x", "k")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theKeyIncludesTheGroup() {
        dev.actionqueues.deferred.spi.Backend otherGroup = new dev.actionqueues.deferred.spi.Backend("other",
                f.queue, f.memory.errorQueue());
        Deferrable inTest = f.deferrable();
        Deferrable inOther = Deferrable.builder(otherGroup).clock(f.time).build();
        assertThat(task(inTest, true).later("x").debounced()).isFalse();
        assertThat(task(inOther, true).later("x").debounced()).as("same queue, other group").isFalse();
    }

    @Test
    void whenTheDebounceDecisionFailsTheJobIsPushedAtOnce() {
        Deferrable d = f.deferrable();
        TaskHandle<String> t = task(d, true);
        f.queue.failDebounce = true;

        LaterResult r = t.later("x");

        assertThat(r.debounced()).isFalse();
        assertThat(r.delay()).isZero();
        assertThat(f.takeEventTypes()).containsExactly(DEBOUNCE_ERROR, PUSH);
        drain(d);
        assertThat(runs).containsExactly("x");
    }

    @Test
    void debouncingIsAtomicAcrossThreads() throws Exception {
        Deferrable d = f.deferrable();
        TaskHandle<String> t = task(d, true);
        List<Thread> threads = new ArrayList<>();
        java.util.Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicInteger pushed = new java.util.concurrent.atomic.AtomicInteger();
        for (int i = 0; i < 8; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int j = 0; j < 100; j++) {
                    LaterResult r = t.later("same");
                    ids.add(r.jobId());
                    if (!r.debounced()) {
                        pushed.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread th : threads) {
            th.join();
        }
        assertThat(pushed).hasValue(1);
        assertThat(ids).hasSize(1);
    }
}
