package dev.actionqueues.deferred.memory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
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
        State errorState = new State(lock.newCondition(), true);
        this.errors = new InMemoryJobQueue(this, errorState, null);
        this.main = new InMemoryJobQueue(this, new State(lock.newCondition(), false), errorState);
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

    /**
     * Where an entry is. An entry removed while waiting is never used again (it may linger in the
     * ready deque or the delayed heap, skipped there); an entry whose lease ended may be added
     * again (a retry).
     */
    enum Where { READY, DELAYED, LEASED, DONE }

    /** One job held by a queue; mutated only under the store's lock. */
    static final class Entry {
        final String id;
        final long seq;
        String payload;
        Where where;
        Instant due;
        long token;
        Instant leaseExpiry;
        /** Its slot in the {@link LeaseTable} while leased, else -1. */
        int slot = -1;
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

    /** Removed entries tolerated in the ready deque or delayed heap before they are compacted away. */
    private static final int COMPACT_AT = 1024;
    private static final Comparator<Entry> BY_DUE =
            Comparator.comparing((Entry e) -> e.due).thenComparingLong(e -> e.seq);
    private static final Comparator<Entry> BY_LEASE_EXPIRY =
            Comparator.comparing((Entry e) -> e.leaseExpiry).thenComparingLong(e -> e.token);

    /**
     * The jobs of one queue. Guarded by the store's lock. Built so that the hot path (claim, complete)
     * touches little memory under the lock: ready jobs in a FIFO deque (entries removed by id stay in
     * it, marked {@link Where#DONE}, and are skipped); leased jobs in numbered slots named by the lease's receipt;
     * lease expiry checked by a scan only once the earliest possible expiry has passed. Only the
     * error queue, where jobs are looked up by id (replay, find), keeps an index by id; on the main
     * queue {@code find} and {@code remove} by id scan the waiting jobs.
     */
    static final class State {
        final Condition available;
        private final ArrayDeque<Entry> ready = new ArrayDeque<>();
        private int readyCount;
        /** Removed entries still in {@link #ready}; compacted away when they outnumber the live ones. */
        private int staleReady;
        private final PriorityQueue<Entry> delayed = new PriorityQueue<>(BY_DUE);
        private int delayedCount;
        /** Removed entries still in {@link #delayed}; compacted away when they outnumber the live ones. */
        private int staleDelayed;
        private final LeaseTable leased = new LeaseTable();
        /** No lease expires before this; null when nothing is leased. */
        private Instant earliestExpiry;
        /** Every waiting or leased entry by id, if {@code indexed}. */
        private final Map<String, Entry> byId;
        final Map<String, DebounceState> debounce = new HashMap<>();
        long debounceOps;

        State(Condition available, boolean indexed) {
            this.available = available;
            this.byId = indexed ? new HashMap<>() : null;
        }

        int readyCount() {
            return readyCount;
        }

        int delayedCount() {
            return delayedCount;
        }

        int leasedCount() {
            return leased.size();
        }

        /** Entries held in the ready deque and the delayed heap, removed ones not yet compacted included. */
        int heldEntries() {
            return ready.size() + delayed.size();
        }

        /** Moves due delayed jobs and jobs whose lease ran out to the back of the ready queue. */
        void maintain(Instant now) {
            Entry head;
            while ((head = delayed.peek()) != null && (head.where != Where.DELAYED || !head.due.isAfter(now))) {
                delayed.poll();
                if (head.where == Where.DELAYED) {
                    delayedCount--;
                    head.due = null;
                    toReady(head);
                } else {
                    staleDelayed--;
                }
            }
            if (earliestExpiry != null && !earliestExpiry.isAfter(now)) {
                reclaimExpired(now);
            }
        }

        private void reclaimExpired(Instant now) {
            List<Entry> expired = new ArrayList<>();
            leased.forEach(e -> {
                if (!e.leaseExpiry.isAfter(now)) {
                    expired.add(e);
                }
            });
            expired.sort(BY_LEASE_EXPIRY);
            for (Entry e : expired) {
                unlease(e);
                toReady(e);
            }
            // The bound, recomputed over the leases that are left.
            Instant[] earliest = {null};
            leased.forEach(e -> {
                if (earliest[0] == null || e.leaseExpiry.isBefore(earliest[0])) {
                    earliest[0] = e.leaseExpiry;
                }
            });
            earliestExpiry = earliest[0];
        }

        /** The time until something may become available, or null if nothing is scheduled. */
        Duration untilNextChange(Instant now) {
            Instant next = null;
            Entry d = delayed.peek();
            if (d != null) {
                next = d.due;
            }
            if (earliestExpiry != null && (next == null || earliestExpiry.isBefore(next))) {
                next = earliestExpiry;
            }
            return next == null ? null : Duration.between(now, next);
        }

        /** Takes the oldest ready entry, or null. */
        Entry pollReady() {
            Entry e;
            while ((e = ready.pollFirst()) != null) {
                if (e.where == Where.READY) {
                    readyCount--;
                    return e;
                }
                staleReady--;
            }
            return null;
        }

        /** Leases the entry; returns the receipt that finds it again. */
        String lease(Entry e, long token, Instant expiry) {
            e.where = Where.LEASED;
            e.token = token;
            e.deliveries++;
            e.leaseExpiry = expiry;
            if (earliestExpiry == null || expiry.isBefore(earliestExpiry)) {
                earliestExpiry = expiry;
            }
            return leased.add(e);
        }

        /** A new expiry for a leased entry, later or (a shortening renewal) earlier. */
        void extend(Entry e, Instant expiry) {
            e.leaseExpiry = expiry;
            if (earliestExpiry == null || expiry.isBefore(earliestExpiry)) {
                earliestExpiry = expiry;
            }
        }

        private void unlease(Entry e) {
            leased.remove(e);
            e.leaseExpiry = null;
            if (leased.isEmpty()) {
                earliestExpiry = null;
            }
        }

        /** The leased entry the lease names, if the lease is still current. */
        Entry currentLease(String id, long token, String receipt) {
            Entry e = leased.find(receipt);
            return e != null && e.token == token && e.id.equals(id) ? e : null;
        }

        /** Ends the lease of {@code e}; the entry is then no longer in this queue until added again. */
        void endLease(Entry e) {
            unlease(e);
            e.where = Where.DONE;
            if (byId != null) {
                byId.remove(e.id);
            }
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

        /**
         * Adds a job, ready at once or after {@code delay}. On an indexed queue (the error queue) a
         * job with the same id is replaced; the main queue, like the Redis backend, keeps both.
         */
        void add(Entry e, Instant now, Duration delay) {
            Entry old = byId != null ? byId.put(e.id, e) : null;
            if (old != null && old != e) {
                discard(old);
            }
            if (delay.isZero()) {
                e.due = null;
                toReady(e);
            } else {
                e.where = Where.DELAYED;
                e.due = now.plus(delay);
                delayed.add(e);
                delayedCount++;
            }
            // A waiting consumer takes the job or recomputes how long to wait.
            available.signal();
        }

        private void toReady(Entry e) {
            e.where = Where.READY;
            ready.addLast(e);
            readyCount++;
        }

        private void discard(Entry e) {
            Where was = e.where;
            e.where = Where.DONE;
            switch (was) {
                case READY -> {
                    readyCount--;
                    if (++staleReady > Math.max(COMPACT_AT, readyCount)) {
                        ready.removeIf(x -> x.where != Where.READY);
                        staleReady = 0;
                    }
                }
                case DELAYED -> {
                    delayedCount--;
                    if (++staleDelayed > Math.max(COMPACT_AT, delayedCount)) {
                        delayed.removeIf(x -> x.where != Where.DELAYED);
                        staleDelayed = 0;
                    }
                }
                case LEASED -> unlease(e);
                case DONE -> { }
            }
        }

        /** Removes a ready or delayed job. */
        Entry removeWaiting(String id) {
            Entry e = findWaiting(id);
            if (e != null) {
                if (byId != null) {
                    byId.remove(id);
                }
                discard(e);
            }
            return e;
        }

        /** A ready or delayed job. */
        Entry findWaiting(String id) {
            if (byId != null) {
                Entry e = byId.get(id);
                return e != null && (e.where == Where.READY || e.where == Where.DELAYED) ? e : null;
            }
            for (Entry e : ready) {
                if (e.where == Where.READY && e.id.equals(id)) {
                    return e;
                }
            }
            for (Entry e : delayed) {
                if (e.where == Where.DELAYED && e.id.equals(id)) {
                    return e;
                }
            }
            return null;
        }

        /** The waiting jobs: ready ones in order, then delayed ones by due time. */
        List<Entry> waiting(int offset, int limit) {
            List<Entry> out = new ArrayList<>(Math.min(limit, 64));
            int skipped = 0;
            for (Entry e : ready) {
                if (e.where != Where.READY) {
                    continue;
                }
                if (out.size() == limit) {
                    return out;
                }
                if (skipped++ >= offset) {
                    out.add(e);
                }
            }
            List<Entry> due = new ArrayList<>(delayed);
            due.removeIf(e -> e.where != Where.DELAYED);
            due.sort(BY_DUE);
            for (Entry e : due) {
                if (out.size() == limit) {
                    return out;
                }
                if (skipped++ >= offset) {
                    out.add(e);
                }
            }
            return out;
        }

        void clear() {
            ready.forEach(e -> e.where = Where.DONE);
            delayed.forEach(e -> e.where = Where.DONE);
            leased.forEach(e -> e.where = Where.DONE);
            ready.clear();
            readyCount = 0;
            staleReady = 0;
            delayed.clear();
            delayedCount = 0;
            staleDelayed = 0;
            leased.clear();
            earliestExpiry = null;
            if (byId != null) {
                byId.clear();
            }
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

    /**
     * Leased entries in numbered slots. A lease's receipt is its slot number, so completing or
     * renewing it finds the entry without hashing; the fencing token and id then confirm it.
     */
    static final class LeaseTable {
        private Entry[] slots = new Entry[16];
        private String[] receipts = new String[16];
        private int[] free = new int[16];
        private int freeCount;
        private int highWater;
        private int size;

        int size() {
            return size;
        }

        boolean isEmpty() {
            return size == 0;
        }

        /** Puts the entry in a free slot; returns the slot's receipt. */
        String add(Entry e) {
            int i;
            if (freeCount > 0) {
                i = free[--freeCount];
            } else {
                i = highWater++;
                if (i == slots.length) {
                    slots = Arrays.copyOf(slots, i * 2);
                    receipts = Arrays.copyOf(receipts, i * 2);
                    free = Arrays.copyOf(free, i * 2);
                }
            }
            slots[i] = e;
            e.slot = i;
            size++;
            String r = receipts[i];
            if (r == null) {
                r = Integer.toString(i);
                receipts[i] = r;
            }
            return r;
        }

        void remove(Entry e) {
            int i = e.slot;
            if (i < 0 || slots[i] != e) {
                return;
            }
            slots[i] = null;
            free[freeCount++] = i;
            e.slot = -1;
            size--;
        }

        /** The entry in the slot the receipt names, or null for an empty slot or a receipt of no slot. */
        Entry find(String receipt) {
            int n = receipt.length();
            if (n == 0 || n > 9) {
                return null;
            }
            int i = 0;
            for (int k = 0; k < n; k++) {
                char c = receipt.charAt(k);
                if (c < '0' || c > '9') {
                    return null;
                }
                i = i * 10 + (c - '0');
            }
            return i < highWater ? slots[i] : null;
        }

        void forEach(java.util.function.Consumer<Entry> action) {
            for (int i = 0; i < highWater; i++) {
                Entry e = slots[i];
                if (e != null) {
                    action.accept(e);
                }
            }
        }

        void clear() {
            Arrays.fill(slots, 0, highWater, null);
            freeCount = 0;
            highWater = 0;
            size = 0;
        }
    }
}
