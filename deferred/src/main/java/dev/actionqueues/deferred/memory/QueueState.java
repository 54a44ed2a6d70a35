package dev.actionqueues.deferred.memory;

import dev.actionqueues.deferred.memory.MemoryEntry.Where;
import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;

/**
 * The jobs of one queue. Guarded by the store's lock. Built so that the hot path (claim, complete)
 * touches little memory under the lock: ready jobs in a FIFO deque (entries removed by id stay in
 * it, marked {@link Where#DONE}, and are skipped); leased jobs in numbered slots named by the lease's receipt;
 * lease expiry checked by a scan only once the earliest possible expiry has passed. Only the
 * error queue, where jobs are looked up by id (replay, find), keeps an index by id; on the main
 * queue {@code find} and {@code remove} by id scan the waiting jobs.
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

    /** Moves due delayed jobs and jobs whose lease ran out to the back of the ready queue. */
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
        for (MemoryEntry e : expired) {
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
        debounceTable.clear();
    }
}
