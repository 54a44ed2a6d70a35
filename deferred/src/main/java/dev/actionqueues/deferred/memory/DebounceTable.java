package dev.actionqueues.deferred.memory;

import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceDecision;
import dev.actionqueues.deferred.spi.DebounceResult;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The debounce memory of one queue: per key, the pending job (pushed, not claimed yet) and when the
 * key's last job started, or is due. Decides each debounced push by the rules of {@link Debounce}.
 * Guarded by the store's lock.
 */
final class DebounceTable {

    /** Decisions between two sweeps of the keys that may be forgotten. */
    static final int SWEEP_EVERY = 1024;

    private final Map<String, DebounceState> byKey = new HashMap<>();
    private long ops;

    /**
     * The decision for a job pushed under {@code request} at {@code now}. Unless it is a skip,
     * {@code jobId} becomes the key's pending job, due after the returned delay.
     */
    DebounceResult decide(Debounce request, String jobId, Instant now) {
        sweep(now);
        DebounceState st = byKey.get(request.key());
        if (st != null && st.pendingId != null) {
            return new DebounceResult(DebounceDecision.SKIP, st.pendingId, Duration.ZERO);
        }
        if (st == null) {
            st = new DebounceState();
            byKey.put(request.key(), st);
        }
        Duration window = request.window();
        Duration delay;
        if (request.alwaysDelay()) {
            delay = window;
            st.lastDue = now.plus(window);
        } else if (st.lastDue == null || !now.isBefore(st.lastDue.plus(window))) {
            delay = Duration.ZERO;
            st.lastDue = now;
        } else {
            Instant due = st.lastDue.plus(window);
            delay = Duration.between(now, due);
            st.lastDue = due;
        }
        st.window = window;
        st.pendingId = jobId;
        return new DebounceResult(delay.isZero() ? DebounceDecision.PUSH_NOW : DebounceDecision.PUSH_DELAYED,
                jobId, delay);
    }

    /**
     * The job {@code id} stops being pending for {@code key}; if it is starting now
     * ({@code startedAt} not null), that is the key's last start.
     */
    void clearPending(String key, String id, Instant startedAt) {
        DebounceState st = byKey.get(key);
        if (st != null && id.equals(st.pendingId)) {
            st.pendingId = null;
            if (startedAt != null && (st.lastDue == null || startedAt.isAfter(st.lastDue))) {
                st.lastDue = startedAt;
            }
        }
    }

    /** The keys remembered, forgettable ones not yet swept included. */
    int size() {
        return byKey.size();
    }

    void clear() {
        byKey.clear();
    }

    /**
     * Checks the table against the waiting jobs that carry a debounce key; for tests: each key has
     * a last start and a window, and is pending exactly on the id of the one waiting job that
     * carries it.
     *
     * @param waitingByKey the id of the waiting job of each key carried by one
     * @throws IllegalStateException describing the first invariant found broken
     */
    void checkInvariants(Map<String, String> waitingByKey) {
        byKey.forEach((key, st) -> {
            check(st.lastDue != null && st.window != null, "debounce key %s has no last start or no window", key);
            check(Objects.equals(st.pendingId, waitingByKey.get(key)),
                    "debounce key %s is pending on %s, but its waiting job is %s", key, st.pendingId,
                    waitingByKey.get(key));
        });
        waitingByKey.forEach((key, id) -> check(byKey.containsKey(key),
                "waiting job %s carries debounce key %s, which is forgotten", id, key));
    }

    /** Forgets keys with nothing pending whose window has passed; amortised. */
    private void sweep(Instant now) {
        if (++ops % SWEEP_EVERY != 0) {
            return;
        }
        byKey.values().removeIf(st -> st.pendingId == null
                && (st.lastDue == null || !now.isBefore(st.lastDue.plus(st.window))));
    }

    private static void check(boolean holds, String format, Object... args) {
        if (!holds) {
            throw new IllegalStateException(String.format(format, args));
        }
    }

    /** The memory of one key: the waiting job, if any, and when the last job started (or is due). */
    private static final class DebounceState {
        String pendingId;
        Instant lastDue;
        Duration window;
    }
}
