package dev.actionqueues.sqs;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The leases this process holds on one queue, by receipt handle: until when SQS surely keeps each
 * message hidden (measured from before the call that hid it, so never later than SQS's own
 * deadline), and when it was received (SQS allows 12 hours of invisibility from the receive). A
 * lease found here with time to spare is known to be current without asking SQS; any other is
 * checked with a visibility change, which SQS refuses for a stale receipt handle (a delete it might
 * accept without deleting anything). Thread-safe.
 */
final class LeaseTable {

    /** Time to spare for a lease to count as surely held: covers the flight of the next call. */
    static final long MARGIN_MILLIS = 2_000;
    /** SQS's cap on a message's invisibility, counted from its receive. */
    static final long MAX_INVISIBLE_MILLIS = 12L * 3600 * 1000;
    private static final int PRUNE_ABOVE = 10_000;

    private record Held(long deadlineMillis, long receivedMillis) {
    }

    private final ConcurrentHashMap<String, Held> held = new ConcurrentHashMap<>();

    void claimed(String receipt, long nowMillis, long visibilityMillis) {
        if (held.size() > PRUNE_ABOVE) {
            held.values().removeIf(h -> h.deadlineMillis() < nowMillis);
        }
        held.put(receipt, new Held(nowMillis + visibilityMillis, nowMillis));
    }

    void renewed(String receipt, long nowMillis, long visibilityMillis) {
        held.compute(receipt, (k, h) -> new Held(nowMillis + visibilityMillis, h == null ? -1 : h.receivedMillis()));
    }

    /** Whether this process holds the lease with at least {@link #MARGIN_MILLIS} to spare. */
    boolean surelyHeld(String receipt, long nowMillis) {
        Held h = held.get(receipt);
        return h != null && h.deadlineMillis() - MARGIN_MILLIS > nowMillis;
    }

    /** How long the message may still be kept hidden, or -1 if unknown (received by another process). */
    long invisibleMillisLeft(String receipt, long nowMillis) {
        Held h = held.get(receipt);
        return h == null || h.receivedMillis() < 0 ? -1 : h.receivedMillis() + MAX_INVISIBLE_MILLIS - nowMillis;
    }

    void forget(String receipt) {
        held.remove(receipt);
    }

    void clear() {
        held.clear();
    }
}
