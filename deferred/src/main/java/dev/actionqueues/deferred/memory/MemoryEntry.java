package dev.actionqueues.deferred.memory;

import java.time.Instant;

/** One job held by a queue: where it is, when it is due, its current lease. Guarded by the store's lock. */
final class MemoryEntry {

    final String id;
    /** Push order; breaks ties between equal due times. */
    final long seq;
    String payload;
    Where where;
    /** When a {@link Where#DELAYED} entry becomes ready, else null. */
    Instant due;
    /** The fencing token of its current (or last) lease. */
    long token;
    /** When its lease runs out while {@link Where#LEASED}, else null. */
    Instant leaseExpiry;
    /** Its slot in the {@link LeaseTable} while leased, else -1. */
    int slot = -1;
    int deliveries;
    /** The debounce key it is the pending job of, until it is claimed or removed; else null. */
    String debounceKey;
    /** Pushed with {@code pushIfAbsent}: indexed by id while it is live. */
    boolean unique;

    MemoryEntry(String id, String payload, long seq) {
        this.id = id;
        this.payload = payload;
        this.seq = seq;
    }

    /**
     * Where an entry is. An entry removed while waiting is never used again (it may linger in the
     * ready deque or the delayed heap, skipped there); an entry whose lease ended may be added
     * again (a retry).
     */
    enum Where { READY, DELAYED, LEASED, DONE }
}
