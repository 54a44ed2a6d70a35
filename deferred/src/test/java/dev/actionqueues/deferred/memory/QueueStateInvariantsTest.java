package dev.actionqueues.deferred.memory;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.deferred.memory.MemoryEntry.Where;
import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceDecision;
import dev.actionqueues.deferred.spi.DebounceResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link QueueState#checkInvariants()}: it holds after every operation of seeded random runs that
 * use the state as {@link InMemoryJobQueue} does, and it catches each kind of corruption.
 */
class QueueStateInvariantsTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private final ReentrantLock lock = new ReentrantLock();
    private final QueueState main = new QueueState(lock.newCondition(), false);
    private final QueueState errors = new QueueState(lock.newCondition(), true);
    private long seq;
    private long token;

    @BeforeEach
    void takeTheLock() {
        lock.lock();
    }

    @AfterEach
    void releaseTheLock() {
        lock.unlock();
    }

    private MemoryEntry add(QueueState s, String id, Duration delay) {
        MemoryEntry e = new MemoryEntry(id, "payload", ++seq);
        s.add(e, T0, delay);
        return e;
    }

    private MemoryEntry claim(QueueState s, Instant expiry) {
        MemoryEntry e = s.pollReady();
        s.clearPending(e, T0);
        s.lease(e, ++token, expiry);
        return e;
    }

    private void assertBroken(QueueState s, String invariant) {
        assertThatThrownBy(s::checkInvariants).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(invariant);
    }

    // ---- each corruption is caught ----

    @Test
    void aReadyEntryLostBehindTheCountsIsCaught() {
        add(main, "a", Duration.ZERO);
        MemoryEntry b = add(main, "b", Duration.ZERO);
        main.checkInvariants();

        b.where = Where.DONE;

        assertBroken(main, "ready count 2, but 1 ready entries");
    }

    @Test
    void aDelayedEntryLostBehindTheCountsIsCaught() {
        MemoryEntry d = add(main, "d", Duration.ofSeconds(1));
        main.checkInvariants();

        d.where = Where.DONE;

        assertBroken(main, "delayed count 1, but 0 delayed entries");
    }

    @Test
    void aDueTimeChangedInsideTheDelayedHeapIsCaught() {
        add(main, "first", Duration.ofSeconds(1));
        MemoryEntry second = add(main, "second", Duration.ofSeconds(2));
        main.checkInvariants();

        second.due = T0;

        assertBroken(main, "the delayed heap's head first");
    }

    @Test
    void anEntryBothReadyAndLeasedIsCaught() {
        MemoryEntry a = add(main, "a", Duration.ZERO);
        main.checkInvariants();

        main.lease(a, ++token, T0.plusSeconds(10));

        assertBroken(main, "entry a in the ready deque is LEASED");
    }

    @Test
    void aLeaseExpiringBeforeTheEarliestExpiryIsCaught() {
        add(main, "a", Duration.ZERO);
        add(main, "b", Duration.ZERO);
        claim(main, T0.plusSeconds(10));
        MemoryEntry b = claim(main, T0.plusSeconds(20));
        main.checkInvariants();

        b.leaseExpiry = T0.plusSeconds(5);

        assertBroken(main, "the lease of b expires at 2030-01-01T00:00:05Z, before the earliest expiry "
                + "2030-01-01T00:00:10Z");
    }

    @Test
    void aLeasedEntryThatLostItsSlotIsCaught() {
        add(main, "a", Duration.ZERO);
        MemoryEntry a = claim(main, T0.plusSeconds(10));
        main.checkInvariants();

        a.slot = 5;

        assertBroken(main, "the entry a in slot 0 says it is in slot 5");
    }

    @Test
    void twoLeasesWithOneFencingTokenAreCaught() {
        add(main, "a", Duration.ZERO);
        add(main, "b", Duration.ZERO);
        main.lease(main.pollReady(), 7, T0.plusSeconds(10));
        main.checkInvariants();

        main.lease(main.pollReady(), 7, T0.plusSeconds(10));

        assertBroken(main, "two leases hold fencing token 7");
    }

    @Test
    void anIdIndexThatNamesAnotherEntryIsCaught() {
        MemoryEntry replaced = add(errors, "x", Duration.ZERO);
        MemoryEntry current = add(errors, "x", Duration.ZERO);
        errors.checkInvariants();

        replaced.where = Where.READY;
        current.where = Where.DONE;

        assertBroken(errors, "the id index does not map x to its live entry");
    }

    @Test
    void aPendingDebounceKeyWithoutItsWaitingJobIsCaught() {
        Debounce d = new Debounce("k", Duration.ofSeconds(4), false);
        DebounceResult r = main.debounce(d, "j1", T0);
        MemoryEntry e = add(main, "j1", r.delay());
        e.debounceKey = "k";
        main.checkInvariants();

        e.debounceKey = null;

        assertBroken(main, "debounce key k is pending on j1, but its waiting job is null");
    }

    @Test
    void aJobClaimedWithoutEndingItsDebouncePendingIsCaught() {
        Debounce d = new Debounce("k", Duration.ofSeconds(4), false);
        main.debounce(d, "j1", T0);
        MemoryEntry e = add(main, "j1", Duration.ZERO);
        e.debounceKey = "k";
        main.checkInvariants();

        main.lease(main.pollReady(), ++token, T0.plusSeconds(10));

        assertBroken(main, "leased entry j1 is still pending for debounce key k");
    }

    // ---- the invariants hold whatever the engine does ----

    @Test
    void invariantsHoldAfterEveryOperationOfRandomRuns() {
        for (long seed = 1; seed <= 200; seed++) {
            try {
                run(seed);
            } catch (IllegalStateException e) {
                throw new AssertionError("failed for seed " + seed + ": " + e.getMessage(), e);
            }
        }
    }

    /** A lease a consumer holds, possibly stale by now. */
    private record Held(QueueState state, String id, long token, String receipt) {
    }

    /** Random operations, each done as {@link InMemoryJobQueue} does it under the lock. */
    private void run(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        QueueState mainQueue = new QueueState(lock.newCondition(), false);
        QueueState errorQueue = new QueueState(lock.newCondition(), true);
        List<Held> held = new ArrayList<>();
        Instant now = T0;
        for (int step = 0; step < 250; step++) {
            String id = "j" + random.nextInt(12);
            Duration delay = random.nextBoolean() ? Duration.ZERO : Duration.ofMillis(random.nextInt(1, 5000));
            QueueState either = random.nextInt(4) == 0 ? errorQueue : mainQueue;
            switch (random.nextInt(12)) {
                case 0, 1 -> either.add(new MemoryEntry(id, "p", ++seq), now, delay);
                case 2 -> {
                    Debounce d = new Debounce("k" + random.nextInt(3), Duration.ofMillis(random.nextInt(1, 5000)),
                            random.nextBoolean());
                    DebounceResult r = mainQueue.debounce(d, id, now);
                    if (r.decision() != DebounceDecision.SKIP) {
                        MemoryEntry e = new MemoryEntry(id, "p", ++seq);
                        e.debounceKey = d.key();
                        mainQueue.add(e, now, r.delay());
                    }
                }
                case 3, 4 -> {
                    either.maintain(now);
                    for (int n = random.nextInt(1, 4); n > 0; n--) {
                        MemoryEntry e = either.pollReady();
                        if (e == null) {
                            break;
                        }
                        either.clearPending(e, now);
                        long t = ++token;
                        String receipt = either.lease(e, t, now.plusMillis(random.nextInt(1, 9000)));
                        held.add(new Held(either, e.id, t, receipt));
                    }
                }
                case 5, 6 -> {
                    if (!held.isEmpty()) {
                        Held h = held.remove(random.nextInt(held.size()));
                        MemoryEntry e = h.state().currentLease(h.id(), h.token(), h.receipt());
                        if (e != null) {
                            h.state().endLease(e);
                            int then = random.nextInt(3);
                            if (then == 1) {
                                e.payload = "retried";
                                e.deliveries = 0;
                                h.state().add(e, now, delay);
                            } else if (then == 2 && h.state() == mainQueue) {
                                errorQueue.add(new MemoryEntry(e.id, "error", ++seq), now, Duration.ZERO);
                            }
                        }
                    }
                }
                case 7 -> {
                    if (!held.isEmpty()) {
                        Held h = held.get(random.nextInt(held.size()));
                        MemoryEntry e = h.state().currentLease(h.id(), h.token(), h.receipt());
                        if (e != null) {
                            h.state().extend(e, now.plusMillis(random.nextInt(1, 9000)));
                        }
                    }
                }
                case 8 -> {
                    MemoryEntry e = either.removeWaiting(id);
                    if (e != null) {
                        either.clearPending(e, null);
                    }
                }
                case 9 -> {
                    if (errorQueue.removeWaiting(id) != null) {
                        mainQueue.add(new MemoryEntry(id, "replayed", ++seq), now, Duration.ZERO);
                    }
                }
                case 10 -> {
                    now = now.plusMillis(random.nextInt(0, 3000));
                    mainQueue.maintain(now);
                    errorQueue.maintain(now);
                }
                default -> {
                    if (random.nextInt(20) == 0) {
                        either.clear();
                    }
                }
            }
            mainQueue.checkInvariants();
            errorQueue.checkInvariants();
        }
    }
}
