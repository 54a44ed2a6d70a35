package dev.actionqueues.deferred.memory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeSet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The state of one group: a main queue and an error queue under one lock, so that moves between
 * them (dead-letter, replay) are atomic. Fencing tokens come from one counter per group.
 */
final class MemoryStore {

    final ReentrantLock lock = new ReentrantLock();
    final InstantSource clock;
    private final InMemoryJobQueue main;
    private final InMemoryJobQueue errors;
    private static final int SPINS = 64;
    private long lastToken;
    private long lastSeq;

    MemoryStore(InstantSource clock) {
        this.clock = clock;
        State errorState = new State(lock.newCondition());
        this.errors = new InMemoryJobQueue(this, errorState, null);
        this.main = new InMemoryJobQueue(this, new State(lock.newCondition()), errorState);
    }

    /**
     * Takes the lock, spinning briefly first: the critical sections are a few hundred nanoseconds,
     * and a virtual thread that parks on a contended lock costs far more (its carrier switches
     * threads, an idle carrier may be woken through the kernel).
     */
    void lock() {
        if (!tryLockSpinning()) {
            lock.lock();
        }
    }

    void lockInterruptibly() throws InterruptedException {
        if (!tryLockSpinning()) {
            lock.lockInterruptibly();
        }
    }

    private boolean tryLockSpinning() {
        for (int i = 0; i < SPINS; i++) {
            if (lock.tryLock()) {
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    void unlock() {
        lock.unlock();
    }

    InMemoryJobQueue main() {
        return main;
    }

    InMemoryJobQueue errors() {
        return errors;
    }

    long nextToken() {
        return ++lastToken;
    }

    long nextSeq() {
        return ++lastSeq;
    }

    /** One job held by a queue; mutated only under the store's lock. */
    static final class Entry {
        final String id;
        final long seq;
        String payload;
        Instant due;
        long token;
        Instant leaseExpiry;
        int deliveries;
        String debounceKey;

        Entry(String id, String payload, long seq) {
            this.id = id;
            this.payload = payload;
            this.seq = seq;
        }
    }

    /** Debounce memory of one key: the waiting job, if any, and when the last job started (or is due). */
    static final class DebounceState {
        String pendingId;
        Instant lastDue;
        Duration window;
    }

    private static final Comparator<Entry> BY_DUE =
            Comparator.comparing((Entry e) -> e.due).thenComparingLong(e -> e.seq);
    private static final Comparator<Entry> BY_LEASE_EXPIRY =
            Comparator.comparing((Entry e) -> e.leaseExpiry).thenComparingLong(e -> e.token);

    /** The jobs of one queue. Guarded by the store's lock. */
    static final class State {
        final Condition available;
        final LinkedHashMap<String, Entry> ready = new LinkedHashMap<>();
        final PriorityQueue<Entry> delayed = new PriorityQueue<>(BY_DUE);
        final Map<String, Entry> inFlight = new HashMap<>();
        final TreeSet<Entry> leases = new TreeSet<>(BY_LEASE_EXPIRY);
        final Map<String, DebounceState> debounce = new HashMap<>();
        long debounceOps;

        State(Condition available) {
            this.available = available;
        }

        /** Moves due delayed jobs and jobs whose lease ran out to the back of the ready queue. */
        void maintain(Instant now) {
            Entry head;
            while ((head = delayed.peek()) != null && !head.due.isAfter(now)) {
                delayed.poll();
                head.due = null;
                ready.put(head.id, head);
            }
            while (!leases.isEmpty() && !leases.first().leaseExpiry.isAfter(now)) {
                Entry e = leases.pollFirst();
                inFlight.remove(e.id);
                e.leaseExpiry = null;
                ready.put(e.id, e);
            }
        }

        /** The time until something may become available, or null if nothing is scheduled. */
        Duration untilNextChange(Instant now) {
            Instant next = null;
            Entry d = delayed.peek();
            if (d != null) {
                next = d.due;
            }
            if (!leases.isEmpty()) {
                Instant l = leases.first().leaseExpiry;
                next = next == null || l.isBefore(next) ? l : next;
            }
            return next == null ? null : Duration.between(now, next);
        }

        Entry currentLease(String id, long token) {
            Entry e = inFlight.get(id);
            return e != null && e.token == token ? e : null;
        }

        void endLease(Entry e) {
            inFlight.remove(e.id);
            leases.remove(e);
            e.leaseExpiry = null;
        }

        /** The job stops being pending for its debounce key; if it is starting now, that is its key's last start. */
        void clearPending(Entry e, Instant startedAt) {
            if (e.debounceKey != null) {
                DebounceState st = debounce.get(e.debounceKey);
                if (st != null && e.id.equals(st.pendingId)) {
                    st.pendingId = null;
                    if (startedAt != null && (st.lastDue == null || startedAt.isAfter(st.lastDue))) {
                        st.lastDue = startedAt;
                    }
                }
                e.debounceKey = null;
            }
        }

        void add(Entry e, Instant now, Duration delay) {
            if (delay.isZero()) {
                e.due = null;
                ready.put(e.id, e);
                available.signal();
            } else {
                e.due = now.plus(delay);
                delayed.add(e);
                // A waiting consumer recomputes how long to wait.
                available.signal();
            }
        }

        Entry removeWaiting(String id) {
            Entry e = ready.remove(id);
            if (e == null) {
                for (Entry d : delayed) {
                    if (d.id.equals(id)) {
                        e = d;
                        break;
                    }
                }
                if (e != null) {
                    delayed.remove(e);
                }
            }
            return e;
        }

        void clear() {
            ready.clear();
            delayed.clear();
            inFlight.clear();
            leases.clear();
            debounce.clear();
        }

        /** Forgets debounce keys with nothing pending whose window has passed; amortised. */
        void sweepDebounce(Instant now) {
            if (++debounceOps % 1024 != 0) {
                return;
            }
            debounce.values().removeIf(st -> st.pendingId == null
                    && (st.lastDue == null || !now.isBefore(st.lastDue.plus(st.window))));
        }
    }
}
