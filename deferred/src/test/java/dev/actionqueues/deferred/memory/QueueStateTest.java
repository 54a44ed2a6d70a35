package dev.actionqueues.deferred.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actionqueues.deferred.memory.MemoryEntry.Where;
import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceDecision;
import dev.actionqueues.deferred.spi.DebounceResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link QueueState} on its own: FIFO, the delayed heap, lease expiry and its bound,
 * fencing, removal and compaction, the id index of the error queue, and the debounce decision.
 * After each test both states must still hold their invariants.
 */
class QueueStateTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private final ReentrantLock lock = new ReentrantLock();
    private final QueueState state = new QueueState(lock.newCondition(), false);
    private final QueueState indexed = new QueueState(lock.newCondition(), true);
    private long seq;
    private long token;

    @BeforeEach
    void takeTheLock() {
        // The state is guarded by its store's lock, and add() signals a condition of that lock.
        lock.lock();
    }

    @AfterEach
    void checkInvariantsAndReleaseTheLock() {
        try {
            state.checkInvariants();
            indexed.checkInvariants();
        } finally {
            lock.unlock();
        }
    }

    private static Instant at(double seconds) {
        return T0.plusMillis((long) (seconds * 1000));
    }

    private static Duration seconds(double seconds) {
        return Duration.ofMillis((long) (seconds * 1000));
    }

    private MemoryEntry add(QueueState s, String id, Duration delay, Instant now) {
        MemoryEntry e = new MemoryEntry(id, "payload of " + id, ++seq);
        s.add(e, now, delay);
        return e;
    }

    private MemoryEntry add(String id) {
        return add(state, id, Duration.ZERO, T0);
    }

    /** What a claim does under the lock: the oldest ready entry, leased until {@code expiry}. */
    private MemoryEntry claim(QueueState s, Instant now, Instant expiry) {
        MemoryEntry e = s.pollReady();
        if (e != null) {
            s.clearPending(e, now);
            s.lease(e, ++token, expiry);
        }
        return e;
    }

    private List<String> drainReady(QueueState s) {
        List<String> ids = new ArrayList<>();
        MemoryEntry e;
        while ((e = s.pollReady()) != null) {
            ids.add(e.id);
        }
        return ids;
    }

    // ---- ready and delayed ----

    @Test
    void readyJobsAreTakenInTheOrderTheyWereAdded() {
        add("a");
        add("b");
        add("c");

        assertThat(state.readyCount()).isEqualTo(3);
        assertThat(drainReady(state)).containsExactly("a", "b", "c");
        assertThat(state.readyCount()).isZero();
        assertThat(state.pollReady()).isNull();
    }

    @Test
    void delayedJobsBecomeReadyAtTheirDueTimeByDueTimeThenPushOrder() {
        add(state, "x", seconds(3), T0);
        add(state, "y", seconds(1), T0);
        add(state, "z", seconds(1), T0);
        assertThat(state.delayedCount()).isEqualTo(3);

        state.maintain(at(0.999));
        assertThat(state.readyCount()).isZero();

        state.maintain(at(1));
        assertThat(state.delayedCount()).isEqualTo(1);
        assertThat(drainReady(state)).containsExactly("y", "z");

        state.maintain(at(3));
        assertThat(drainReady(state)).containsExactly("x");
        assertThat(state.delayedCount()).isZero();
    }

    @Test
    void aDueJobQueuesBehindTheJobsAlreadyReady() {
        add(state, "later", seconds(1), T0);
        add("first");
        add(state, "second", Duration.ZERO, at(0.5));

        state.maintain(at(1));

        assertThat(drainReady(state)).containsExactly("first", "second", "later");
    }

    @Test
    void untilNextChangeIsTheEarlierOfTheNextDueTimeAndTheEarliestLeaseExpiry() {
        assertThat(state.untilNextChange(T0)).as("nothing scheduled").isNull();

        add(state, "delayed", seconds(5), T0);
        assertThat(state.untilNextChange(T0)).isEqualTo(seconds(5));

        add("leased");
        claim(state, T0, at(2));
        assertThat(state.untilNextChange(T0)).isEqualTo(seconds(2));
        assertThat(state.untilNextChange(at(1))).isEqualTo(seconds(1));
    }

    // ---- leases ----

    @Test
    void leasesThatRunOutGoBackToReadyInExpiryOrderAheadOfTheJobsAlreadyReady() {
        add("a");
        add("b");
        add("c");
        MemoryEntry a = claim(state, T0, at(10));
        MemoryEntry b = claim(state, T0, at(5));
        MemoryEntry c = claim(state, T0, at(20));
        add("r");

        state.maintain(at(4.999));
        assertThat(state.leasedCount()).isEqualTo(3);
        state.maintain(at(10));

        assertThat(state.leasedCount()).isEqualTo(1);
        assertThat(a.where).isEqualTo(Where.READY);
        assertThat(b.leaseExpiry).isNull();
        assertThat(c.where).isEqualTo(Where.LEASED);
        assertThat(drainReady(state)).containsExactly("b", "a", "r");
        assertThat(state.untilNextChange(at(10))).as("the bound, recomputed over c alone").isEqualTo(seconds(10));
    }

    @Test
    void leasesThatRunOutAtTheSameTimeGoBackInTokenOrderWhateverTheirSlots() {
        add("a");
        add("b");
        MemoryEntry a = claim(state, T0, at(5));
        claim(state, T0, at(5));
        state.endLease(a);
        add("c");
        MemoryEntry c = claim(state, T0, at(5));
        assertThat(c.slot).as("c took a's slot, before b's").isZero();

        state.maintain(at(5));

        assertThat(drainReady(state)).containsExactly("b", "c");
    }

    @Test
    void theExpiryBoundIsABoundNotTheExactEarliestExpiry() {
        add("a");
        add("b");
        MemoryEntry a = claim(state, T0, at(5));
        claim(state, T0, at(10));

        state.endLease(a);
        assertThat(state.untilNextChange(T0)).as("still a's expiry: ending a lease does not scan")
                .isEqualTo(seconds(5));

        state.maintain(at(6));
        assertThat(state.leasedCount()).isEqualTo(1);
        assertThat(state.untilNextChange(at(6))).as("the scan found b's").isEqualTo(seconds(4));
    }

    @Test
    void aShorteningRenewalLowersTheBoundAndTheLeaseRunsOutEarlier() {
        MemoryEntry a = add("a");
        claim(state, T0, at(10));

        state.extend(a, at(2));
        assertThat(state.untilNextChange(T0)).isEqualTo(seconds(2));
        state.maintain(at(2));

        assertThat(a.where).isEqualTo(Where.READY);
        assertThat(state.leasedCount()).isZero();
        assertThat(state.untilNextChange(at(2))).isNull();
    }

    @Test
    void aLeaseIsFoundByItsReceiptAndConfirmedByItsTokenAndId() {
        MemoryEntry a = add("a");
        state.pollReady();
        String receipt = state.lease(a, 7, at(10));

        assertThat(state.currentLease("a", 7, receipt)).isSameAs(a);
        assertThat(state.currentLease("a", 6, receipt)).as("another token").isNull();
        assertThat(state.currentLease("b", 7, receipt)).as("another id").isNull();
        assertThat(state.currentLease("a", 7, receipt + "1")).as("another receipt").isNull();
        assertThat(a.deliveries).isEqualTo(1);
        assertThat(a.token).isEqualTo(7);

        state.endLease(a);
        assertThat(state.currentLease("a", 7, receipt)).isNull();
        assertThat(a.where).isEqualTo(Where.DONE);
        assertThat(state.leasedCount()).isZero();
    }

    @Test
    void aLeaseThatRanOutIsStaleOnceItsJobIsLeasedAgainInTheSameSlot() {
        MemoryEntry a = add("a");
        String first = state.lease(state.pollReady(), 1, at(5));

        state.maintain(at(5));
        String second = state.lease(state.pollReady(), 2, at(15));

        assertThat(second).isEqualTo(first);
        assertThat(state.currentLease("a", 1, first)).isNull();
        assertThat(state.currentLease("a", 2, second)).isSameAs(a);
        assertThat(a.deliveries).isEqualTo(2);
    }

    // ---- find, remove, compaction ----

    @Test
    void waitingJobsCanBeFoundAndRemovedAndAreThenSkipped() {
        add("a");
        add("b");
        add(state, "c", seconds(1), T0);

        assertThat(state.findWaiting("b").id).isEqualTo("b");
        assertThat(state.findWaiting("c").id).isEqualTo("c");
        MemoryEntry b = state.removeWaiting("b");
        assertThat(state.removeWaiting("c").where).isEqualTo(Where.DONE);

        assertThat(b.where).isEqualTo(Where.DONE);
        assertThat(state.removeWaiting("b")).isNull();
        assertThat(state.findWaiting("b")).isNull();
        assertThat(state.findWaiting("c")).isNull();
        assertThat(state.readyCount()).isEqualTo(1);
        assertThat(state.delayedCount()).isZero();
        assertThat(state.heldEntries()).as("removed entries linger until compacted").isEqualTo(3);
        state.maintain(at(1));
        assertThat(drainReady(state)).containsExactly("a");
    }

    @Test
    void aLeasedJobIsNotWaiting() {
        add("a");
        claim(state, T0, at(10));

        assertThat(state.findWaiting("a")).isNull();
        assertThat(state.removeWaiting("a")).isNull();
        assertThat(state.leasedCount()).isEqualTo(1);
    }

    @Test
    void removedEntriesAreCompactedAwayOnceTheyPassTheThreshold() {
        add("kept");
        add(state, "kept-delayed", seconds(100), T0);
        for (int i = 0; i < QueueState.COMPACT_AT; i++) {
            add("r" + i);
            state.removeWaiting("r" + i);
            add(state, "d" + i, seconds(50), T0);
            state.removeWaiting("d" + i);
        }
        assertThat(state.heldEntries()).isEqualTo(2 + 2 * QueueState.COMPACT_AT);

        add("r");
        state.removeWaiting("r");
        assertThat(state.heldEntries()).as("the ready deque compacted").isEqualTo(2 + QueueState.COMPACT_AT);
        add(state, "d", seconds(50), T0);
        state.removeWaiting("d");
        assertThat(state.heldEntries()).as("the delayed heap compacted").isEqualTo(2);

        assertThat(drainReady(state)).containsExactly("kept");
        assertThat(state.findWaiting("kept-delayed")).isNotNull();
    }

    @Test
    void removedEntriesAreToleratedWhileTheyDoNotOutnumberTheLiveOnes() {
        int live = 2 * QueueState.COMPACT_AT;
        for (int i = 0; i < live; i++) {
            add("live" + i);
        }
        for (int i = 0; i < live; i++) {
            add("gone" + i);
            state.removeWaiting("gone" + i);
        }
        assertThat(state.heldEntries()).isEqualTo(2 * live);

        add("one-more");
        state.removeWaiting("one-more");

        assertThat(state.heldEntries()).isEqualTo(live);
        assertThat(state.readyCount()).isEqualTo(live);
    }

    @Test
    void waitingListsReadyJobsInOrderThenDelayedOnesByDueTime() {
        add(state, "d2", seconds(2), T0);
        add("r1");
        add(state, "d1", seconds(1), T0);
        add("gone");
        add("r2");
        add(state, "d3", seconds(3), T0);
        state.removeWaiting("gone");
        claim(state, T0, at(10));

        assertThat(state.waiting(0, 10)).extracting(e -> e.id).containsExactly("r2", "d1", "d2", "d3");
        assertThat(state.waiting(1, 2)).extracting(e -> e.id).containsExactly("d1", "d2");
        assertThat(state.waiting(3, 10)).extracting(e -> e.id).containsExactly("d3");
        assertThat(state.waiting(4, 10)).isEmpty();
    }

    @Test
    void clearEmptiesTheQueueAndMakesEveryLeaseStale() {
        add("a");
        add("b");
        add(state, "c", seconds(1), T0);
        MemoryEntry a = claim(state, T0, at(10));
        String receipt = state.lease(state.pollReady(), 99, at(10));

        state.clear();

        assertThat(state.readyCount()).isZero();
        assertThat(state.delayedCount()).isZero();
        assertThat(state.leasedCount()).isZero();
        assertThat(state.heldEntries()).isZero();
        assertThat(state.untilNextChange(T0)).isNull();
        assertThat(state.currentLease("b", 99, receipt)).isNull();
        assertThat(a.where).isEqualTo(Where.DONE);
    }

    // ---- the id index (error queue) ----

    @Test
    void theMainQueueKeepsJobsOfTheSameIdButTheIndexedQueueReplacesThem() {
        add(state, "x", Duration.ZERO, T0);
        add(state, "x", Duration.ZERO, T0);
        assertThat(state.readyCount()).isEqualTo(2);

        MemoryEntry first = add(indexed, "x", Duration.ZERO, T0);
        MemoryEntry second = add(indexed, "x", seconds(1), T0);

        assertThat(first.where).isEqualTo(Where.DONE);
        assertThat(indexed.readyCount()).isZero();
        assertThat(indexed.delayedCount()).isEqualTo(1);
        assertThat(indexed.findWaiting("x")).isSameAs(second);
        assertThat(indexed.removeWaiting("x")).isSameAs(second);
        assertThat(indexed.findWaiting("x")).isNull();
    }

    @Test
    void replacingALeasedJobOnTheIndexedQueueEndsItsLease() {
        MemoryEntry old = add(indexed, "x", Duration.ZERO, T0);
        String receipt = indexed.lease(indexed.pollReady(), 1, at(10));

        MemoryEntry replacement = add(indexed, "x", Duration.ZERO, T0);

        assertThat(indexed.currentLease("x", 1, receipt)).isNull();
        assertThat(indexed.leasedCount()).isZero();
        assertThat(old.where).isEqualTo(Where.DONE);
        assertThat(indexed.findWaiting("x")).isSameAs(replacement);
    }

    @Test
    void theIndexedQueueForgetsAJobWhenItsLeaseEnds() {
        MemoryEntry x = add(indexed, "x", Duration.ZERO, T0);
        indexed.lease(indexed.pollReady(), 1, at(10));
        assertThat(indexed.findWaiting("x")).as("leased, not waiting").isNull();

        indexed.endLease(x);
        MemoryEntry again = add(indexed, "x", Duration.ZERO, T0);

        assertThat(indexed.readyCount()).isEqualTo(1);
        assertThat(indexed.findWaiting("x")).isSameAs(again);
    }

    // ---- the debounce decision ----

    /** What a debounced push does under the lock: the decision, then the job added unless skipped. */
    private DebounceResult push(String id, Debounce d, Instant now) {
        DebounceResult decision = state.debounce(d, id, now);
        if (decision.decision() != DebounceDecision.SKIP) {
            MemoryEntry e = new MemoryEntry(id, "payload of " + id, ++seq);
            e.debounceKey = d.key();
            state.add(e, now, decision.delay());
        }
        return decision;
    }

    @Test
    void debounceRunsTheLeadingJobAtOnceAndSkipsWhileAJobOfTheKeyWaits() {
        Debounce d = new Debounce("k", seconds(4), false);

        assertThat(push("j1", d, T0)).isEqualTo(new DebounceResult(DebounceDecision.PUSH_NOW, "j1", Duration.ZERO));
        assertThat(push("j2", d, at(1))).isEqualTo(new DebounceResult(DebounceDecision.SKIP, "j1", Duration.ZERO));
        assertThat(state.readyCount()).isEqualTo(1);
    }

    @Test
    void debounceDelaysTheNextJobToAWindowAfterTheLastStart() {
        Debounce d = new Debounce("k", seconds(4), false);
        push("j1", d, T0);
        claim(state, at(1), at(100));

        assertThat(push("j2", d, at(2))).as("started at 1 s, so due at 5 s")
                .isEqualTo(new DebounceResult(DebounceDecision.PUSH_DELAYED, "j2", seconds(3)));
        assertThat(push("j3", d, at(3)).jobId()).isEqualTo("j2");
        state.maintain(at(5));
        claim(state, at(7), at(100));
        assertThat(push("j4", d, at(8))).as("the trailing job started late, at 7 s: the next one waits for 11 s")
                .isEqualTo(new DebounceResult(DebounceDecision.PUSH_DELAYED, "j4", seconds(3)));
    }

    @Test
    void debounceRunsAtOnceOnceTheWindowAfterTheLastStartHasPassed() {
        Debounce d = new Debounce("k", seconds(4), false);
        push("j1", d, T0);
        claim(state, T0, at(100));

        assertThat(push("j2", d, at(4))).isEqualTo(new DebounceResult(DebounceDecision.PUSH_NOW, "j2", Duration.ZERO));
    }

    @Test
    void debounceInAlwaysDelayModeDelaysEveryJobByTheWindow() {
        Debounce d = new Debounce("k", seconds(2), true);

        assertThat(push("j1", d, T0)).isEqualTo(new DebounceResult(DebounceDecision.PUSH_DELAYED, "j1", seconds(2)));
        state.maintain(at(2.5));
        assertThat(push("j2", d, at(2.5)).decision()).as("due but not claimed yet").isEqualTo(DebounceDecision.SKIP);
        claim(state, at(2.5), at(100));

        assertThat(push("j3", d, at(2.5)))
                .isEqualTo(new DebounceResult(DebounceDecision.PUSH_DELAYED, "j3", seconds(2)));
    }

    @Test
    void removingThePendingJobEndsTheSkipButIsNotAStart() {
        Debounce d = new Debounce("k", seconds(4), false);
        push("j1", d, T0);

        state.clearPending(state.removeWaiting("j1"), null);

        assertThat(push("j2", d, at(1))).as("the last start is still the removed job's due time, 0 s")
                .isEqualTo(new DebounceResult(DebounceDecision.PUSH_DELAYED, "j2", seconds(3)));
    }

    @Test
    void debounceKeysAreIndependent() {
        push("ja", new Debounce("a", seconds(4), false), T0);

        assertThat(push("jb", new Debounce("b", seconds(4), false), T0).decision())
                .isEqualTo(DebounceDecision.PUSH_NOW);
        assertThat(state.readyCount()).isEqualTo(2);
    }
}
