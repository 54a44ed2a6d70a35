package dev.actionqueues.deferred.memory;

import java.time.Duration;
import java.time.Instant;

/**
 * Debounce memory of one key: the waiting job, if any, and when the last job started (or is due).
 * Guarded by the store's lock.
 */
final class DebounceState {

    String pendingId;
    Instant lastDue;
    Duration window;
}
