package dev.actionqueues.deferred.memory;

import dev.actionqueues.deferred.memory.MemoryEntry.Where;
import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceResult;
import dev.actionqueues.deferred.spi.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.locks.Condition;

/**
 * The jobs of one queue. Guarded by the store's lock. Built so that the hot path (claim, complete)
 * touches little memory under the lock: ready jobs in a FIFO deque (entries removed by id stay in
 * it, marked {@link Where#DONE}, and are skipped); leased jobs in numbered slots named by the
 * lease's receipt ({@link LeaseTable}); lease expiry checked by a scan only once the earliest
 * possible expiry has passed. Only the error queue, where jobs are looked up by id (replay, find),
 * keeps an index by id; on the main queue {@code find} and {@code remove} by id scan the waiting
 * jobs. Debounced pushes are decided by a {@link DebounceTable}. {@link #checkInvariants()} states
 * the rules these structures keep between two holds of the lock. The file is over 400 lines
 * because that check (about 100 of them) reads the same private fields as the operations it
 * checks, and belongs beside them.
 */
final class QueueState {

    /** Removed entries tolerated in the ready deque or delayed heap before they are compacted away. */
    static final int COMPACT_AT = 1024;
    private static final Comparator<MemoryEntry> BY_DUE =
            Comparator.comparing((MemoryEntry e) -> e.due).thenComparingLong(e -> e.seq);
    private static final Comparator<MemoryEntry> BY_LEASE_EXPIRY =
            Comparator.comparing((MemoryEntry e) -> e.leaseExpiry).thenComparingLong(e -> e.token);

    final Condition available;
    private final ArrayDeque<MemoryEntry> ready = new ArrayDeque<>();
    private int readyCount;
    /** Removed entries still in {@link #ready}; compacted away when they outnumber the live ones. */
    private int staleReady;
    private final PriorityQueue<MemoryEntry> delayed = new PriorityQueue<>(BY_DUE);
    private int delayedCount;
    /** Removed entries still in {@link #delayed}; compacted away when they outnumber the live ones. */
    private int staleDelayed;
    private final LeaseTable leased = new LeaseTable();
    /** No lease expires before this; null when nothing is leased. */
    private Instant earliestExpiry;
    /** Every waiting or leased entry by id, if {@code indexed}. */
    private final Map<String, MemoryEntry> byId;
    /** The live entries added with {@link #addIfAbsent}, by id; created on first use. */
    private Map<String, MemoryEntry> unique;
    private final DebounceTable debounceTable = new DebounceTable();

    QueueState(Condition available, boolean indexed) {
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

    /** Moves due delayed jobs to the back of the ready queue and jobs whose lease ran out to its front. */
    void maintain(Instant now) {
        MemoryEntry head;
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
        List<MemoryEntry> expired = new ArrayList<>();
        leased.forEach(e -> {
            if (!e.leaseExpiry.isAfter(now)) {
                expired.add(e);
            }
        });
        expired.sort(BY_LEASE_EXPIRY);
        // Back to the front of the queue (they were claimed before the jobs waiting now), the lease
        // that ran out first at the very front.
        for (int i = expired.size() - 1; i >= 0; i--) {
            MemoryEntry e = expired.get(i);
            unlease(e);
            e.where = Where.READY;
            ready.addFirst(e);
            readyCount++;
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
        MemoryEntry d = delayed.peek();
        if (d != null) {
            next = d.due;
        }
        if (earliestExpiry != null && (next == null || earliestExpiry.isBefore(next))) {
            next = earliestExpiry;
        }
        return next == null ? null : Duration.between(now, next);
    }

    /** Takes the oldest ready entry, or null. */
    MemoryEntry pollReady() {
        MemoryEntry e;
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
    String lease(MemoryEntry e, long token, Instant expiry) {
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
    void extend(MemoryEntry e, Instant expiry) {
        e.leaseExpiry = expiry;
        if (earliestExpiry == null || expiry.isBefore(earliestExpiry)) {
            earliestExpiry = expiry;
        }
    }

    private void unlease(MemoryEntry e) {
        leased.remove(e);
        e.leaseExpiry = null;
        if (leased.isEmpty()) {
            earliestExpiry = null;
        }
    }

    /** The leased entry the lease names, if the lease is still current. */
    MemoryEntry currentLease(String id, long token, String receipt) {
        MemoryEntry e = leased.find(receipt);
        return e != null && e.token == token && e.id.equals(id) ? e : null;
    }

    /** Ends the lease of {@code e}; the entry is then no longer in this queue until added again. */
    void endLease(MemoryEntry e) {
        unlease(e);
        e.where = Where.DONE;
        if (byId != null) {
            byId.remove(e.id);
        }
        if (e.unique) {
            unique.remove(e.id, e);
        }
    }

    /**
     * Adds a job unless a job added this way with the same id is live (waiting, delayed or leased);
     * returns whether it was added. The id stays taken until the job is completed, dead-lettered or
     * removed; a retry keeps it.
     */
    boolean addIfAbsent(MemoryEntry e, Instant now, Duration delay) {
        if (unique == null) {
            unique = new HashMap<>();
        }
        MemoryEntry live = unique.get(e.id);
        if (live != null) {
            return false;
        }
        e.unique = true;
        add(e, now, delay);
        return true;
    }

    /**
     * The debounce decision for a job pushed under {@code request} at {@code now}, by the rules of
     * {@link Debounce}. Unless it is a skip, {@code jobId} becomes the key's pending job: the caller
     * then adds that job, its {@link MemoryEntry#debounceKey} set to the key, in the same hold of the lock.
     */
    DebounceResult debounce(Debounce request, String jobId, Instant now) {
        return debounceTable.decide(request, jobId, now);
    }

    /** The job stops being pending for its debounce key; if it is starting now, that is its key's last start. */
    void clearPending(MemoryEntry e, Instant startedAt) {
        if (e.debounceKey != null) {
            debounceTable.clearPending(e.debounceKey, e.id, startedAt);
            e.debounceKey = null;
        }
    }

    /**
     * Adds a job, ready at once or after {@code delay}. On an indexed queue (the error queue) a
     * job with the same id is replaced; the main queue, like the Redis backend, keeps both.
     */
    void add(MemoryEntry e, Instant now, Duration delay) {
        MemoryEntry old = byId != null ? byId.put(e.id, e) : null;
        if (old != null && old != e) {
            discard(old);
        }
        if (e.unique) {
            unique.put(e.id, e);
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

    private void toReady(MemoryEntry e) {
        e.where = Where.READY;
        ready.addLast(e);
        readyCount++;
    }

    private void discard(MemoryEntry e) {
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
    MemoryEntry removeWaiting(String id) {
        MemoryEntry e = findWaiting(id);
        if (e != null) {
            if (byId != null) {
                byId.remove(id);
            }
            if (e.unique) {
                unique.remove(id, e);
            }
            discard(e);
        }
        return e;
    }

    /** A ready or delayed job. */
    MemoryEntry findWaiting(String id) {
        if (byId != null) {
            MemoryEntry e = byId.get(id);
            return e != null && (e.where == Where.READY || e.where == Where.DELAYED) ? e : null;
        }
        for (MemoryEntry e : ready) {
            if (e.where == Where.READY && e.id.equals(id)) {
                return e;
            }
        }
        for (MemoryEntry e : delayed) {
            if (e.where == Where.DELAYED && e.id.equals(id)) {
                return e;
            }
        }
        return null;
    }

    /** Makes a delayed job ready now, at the back of the ready queue; false if there is no such delayed job. */
    boolean runNow(String id) {
        MemoryEntry e = findWaiting(id);
        if (e == null || e.where != Where.DELAYED) {
            return false;
        }
        discard(e);
        e.due = null;
        toReady(e);
        available.signal();
        return true;
    }

    /** The live entries in one state, in that state's order (claim order, due time, lease expiry). */
    List<MemoryEntry> entries(JobState state) {
        List<MemoryEntry> out = new ArrayList<>();
        switch (state) {
            case WAITING -> ready.forEach(e -> {
                if (e.where == Where.READY) {
                    out.add(e);
                }
            });
            case DELAYED -> {
                delayed.forEach(e -> {
                    if (e.where == Where.DELAYED) {
                        out.add(e);
                    }
                });
                out.sort(BY_DUE);
            }
            case IN_FLIGHT -> {
                leased.forEach(out::add);
                out.sort(BY_LEASE_EXPIRY);
            }
        }
        return out;
    }

    /** The waiting jobs: ready ones in order, then delayed ones by due time. */
    List<MemoryEntry> waiting(int offset, int limit) {
        List<MemoryEntry> out = new ArrayList<>(Math.min(limit, 64));
        int skipped = 0;
        for (MemoryEntry e : ready) {
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
        List<MemoryEntry> due = new ArrayList<>(delayed);
        due.removeIf(e -> e.where != Where.DELAYED);
        due.sort(BY_DUE);
        for (MemoryEntry e : due) {
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
        if (unique != null) {
            unique.clear();
        }
        debounceTable.clear();
    }

    /**
     * Checks the invariants of these structures; for tests (the in-memory contract run calls it
     * after each test). Between two holds of the lock: the counts equal the entries they count;
     * each live entry is in one place only, and removed ones linger only as {@link Where#DONE};
     * ready and leased entries have no due time, delayed ones have one, and the delayed heap's head
     * is its earliest entry; every leased entry is in the lease table with its own fencing token,
     * and no lease expires before {@code earliestExpiry}, which is null exactly when nothing is
     * leased; the id index maps each live entry's id to it and holds nothing else; a debounce key is
     * pending exactly when one waiting entry carries it, and then on that entry's id. Reads only;
     * O(n).
     *
     * @throws IllegalStateException describing the first invariant found broken
     */
    void checkInvariants() {
        Set<MemoryEntry> live = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<String, String> waitingByKey = new HashMap<>();
        int liveReady = 0;
        int removedReady = 0;
        for (MemoryEntry e : ready) {
            if (e.where == Where.READY) {
                liveReady++;
                check(e.due == null, "ready entry %s has a due time, %s", e.id, e.due);
                checkWaiting(e, live, waitingByKey);
            } else {
                check(e.where == Where.DONE, "entry %s in the ready deque is %s", e.id, e.where);
                removedReady++;
            }
        }
        check(liveReady == readyCount, "ready count %d, but %d ready entries", readyCount, liveReady);
        check(removedReady == staleReady, "%d removed entries counted in the ready deque, but %d there",
                staleReady, removedReady);

        int liveDelayed = 0;
        int removedDelayed = 0;
        MemoryEntry head = delayed.peek();
        for (MemoryEntry e : delayed) {
            check(e.due != null, "entry %s in the delayed heap has no due time", e.id);
            check(BY_DUE.compare(head, e) <= 0, "the delayed heap's head %s (due %s) is due after %s (due %s)",
                    head.id, head.due, e.id, e.due);
            if (e.where == Where.DELAYED) {
                liveDelayed++;
                checkWaiting(e, live, waitingByKey);
            } else {
                check(e.where == Where.DONE, "entry %s in the delayed heap is %s", e.id, e.where);
                removedDelayed++;
            }
        }
        check(liveDelayed == delayedCount, "delayed count %d, but %d delayed entries", delayedCount, liveDelayed);
        check(removedDelayed == staleDelayed, "%d removed entries counted in the delayed heap, but %d there",
                staleDelayed, removedDelayed);

        leased.checkInvariants();
        check((earliestExpiry == null) == leased.isEmpty(), "earliest expiry %s with %d leases",
                earliestExpiry, leased.size());
        Set<Long> tokens = new HashSet<>();
        leased.forEach(e -> {
            check(e.where == Where.LEASED, "entry %s in the lease table is %s", e.id, e.where);
            check(live.add(e), "leased entry %s is also waiting", e.id);
            check(e.due == null, "leased entry %s has a due time, %s", e.id, e.due);
            check(e.leaseExpiry != null, "leased entry %s has no lease expiry", e.id);
            check(!earliestExpiry.isAfter(e.leaseExpiry), "the lease of %s expires at %s, before the earliest "
                    + "expiry %s", e.id, e.leaseExpiry, earliestExpiry);
            check(tokens.add(e.token), "two leases hold fencing token %d", e.token);
            check(e.deliveries > 0, "leased entry %s has %d deliveries", e.id, e.deliveries);
            check(e.debounceKey == null, "leased entry %s is still pending for debounce key %s", e.id, e.debounceKey);
        });

        if (byId != null) {
            for (MemoryEntry e : live) {
                check(byId.get(e.id) == e, "the id index does not map %s to its live entry", e.id);
            }
            check(byId.size() == live.size(), "the id index holds %d entries, but %d are live",
                    byId.size(), live.size());
        }
        if (unique != null) {
            unique.forEach((id, e) -> check(live.contains(e) && e.unique && e.id.equals(id),
                    "the unique-id index maps %s to an entry that is not live (%s)", id, e.where));
        }
        for (MemoryEntry e : live) {
            check(!e.unique || unique.get(e.id) == e, "live entry %s pushed if absent is not in the unique-id index",
                    e.id);
        }
        debounceTable.checkInvariants(waitingByKey);
    }

    private static void checkWaiting(MemoryEntry e, Set<MemoryEntry> live, Map<String, String> waitingByKey) {
        check(live.add(e), "entry %s is waiting in two places", e.id);
        check(e.leaseExpiry == null && e.slot == -1, "waiting entry %s still has a lease", e.id);
        if (e.debounceKey != null) {
            String other = waitingByKey.put(e.debounceKey, e.id);
            check(other == null, "two waiting jobs, %s and %s, carry debounce key %s", other, e.id, e.debounceKey);
        }
    }

    private static void check(boolean holds, String format, Object... args) {
        if (!holds) {
            throw new IllegalStateException(String.format(format, args));
        }
    }
}
