package dev.actionqueues.deferred.memory;

import dev.actionqueues.deferred.spi.CompleteAndNext;
import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceDecision;
import dev.actionqueues.deferred.spi.DebounceResult;
import dev.actionqueues.deferred.spi.JobPage;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.JobRecord;
import dev.actionqueues.deferred.spi.JobState;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.spi.QueueCapabilities;
import dev.actionqueues.deferred.spi.QueueStats;
import dev.actionqueues.deferred.spi.WorkerLease;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A main or error queue of a {@link MemoryStore}; see {@link InMemoryBackendFactory}. Thread-safe:
 * it reads or changes its {@link QueueState} only under the store's lock. The file is a little over
 * 400 lines because it implements every verb of the SPI, each a short hold of that lock; the data
 * structures themselves live in {@link QueueState}, {@link LeaseTable} and {@link DebounceTable}.
 */
final class InMemoryJobQueue implements JobQueue {

    /** Effectively unlimited; keeps {@code now + delay} far from overflowing an {@link Instant}. */
    static final Duration MAX_DELAY = Duration.ofDays(365L * 100);
    private static final int MAX_BATCH = 10_000;

    private final MemoryStore store;
    private final QueueState state;
    /** This is a group's error queue: it neither debounces, dead-letters nor replays. */
    private final boolean errorQueue;
    /** The state of the error queue this main queue dead-letters to and replays from; null on the error queue. */
    private final QueueState errorState;
    private final QueueCapabilities capabilities;

    private InMemoryJobQueue(MemoryStore store, QueueState state, boolean errorQueue, QueueState errorState) {
        this.store = store;
        this.state = state;
        this.errorQueue = errorQueue;
        this.errorState = errorState;
        this.capabilities = new QueueCapabilities(MAX_DELAY, MAX_BATCH, Integer.MAX_VALUE, true, true,
                !errorQueue, !errorQueue);
    }

    /** The main queue of {@code store}, over {@code state}, with the error queue over {@code errorState}. */
    static InMemoryJobQueue newMainQueue(MemoryStore store, QueueState state, QueueState errorState) {
        return new InMemoryJobQueue(store, state, false, Objects.requireNonNull(errorState, "errorState"));
    }

    /** The error queue of {@code store}, over {@code state}. */
    static InMemoryJobQueue newErrorQueue(MemoryStore store, QueueState state) {
        return new InMemoryJobQueue(store, state, true, null);
    }

    @Override
    public QueueCapabilities capabilities() {
        return capabilities;
    }

    private static Duration checkDelay(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("delay must be between 0 and " + MAX_DELAY + ", was " + delay);
        }
        return delay;
    }

    @Override
    public void push(NewJob job) {
        checkDelay(job.delay());
        store.lock();
        try {
            MemoryEntry e = new MemoryEntry(job.id(), job.payload(), store.nextSeq());
            state.add(e, store.clock.instant(), job.delay());
        } finally {
            store.unlock();
        }
    }

    @Override
    public boolean pushIfAbsent(NewJob job) {
        checkDelay(job.delay());
        if (errorQueue) {
            throw new UnsupportedOperationException("an error queue cannot push a job only if its id is absent");
        }
        store.lock();
        try {
            return state.addIfAbsent(new MemoryEntry(job.id(), job.payload(), store.nextSeq()), store.clock.instant(),
                    job.delay());
        } finally {
            store.unlock();
        }
    }

    @Override
    public DebounceResult pushDebounced(NewJob job, Debounce debounce) {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(debounce, "debounce");
        if (errorQueue) {
            throw new UnsupportedOperationException("an error queue does not debounce");
        }
        checkDelay(debounce.window());
        store.lock();
        try {
            Instant now = store.clock.instant();
            DebounceResult result = state.debounce(debounce, job.id(), now);
            if (result.decision() != DebounceDecision.SKIP) {
                MemoryEntry e = new MemoryEntry(job.id(), job.payload(), store.nextSeq());
                e.debounceKey = debounce.key();
                state.add(e, now, result.delay());
            }
            return result;
        } finally {
            store.unlock();
        }
    }

    @Override
    public List<Lease> claimBatch(int max, Duration leaseDuration, Duration maxWait) throws InterruptedException {
        checkClaim(max, leaseDuration);
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, was " + maxWait);
        }
        long remaining = maxWait.toNanos();
        store.lockInterruptibly();
        try {
            while (true) {
                Instant now = store.clock.instant();
                state.maintain(now);
                if (state.readyCount() > 0) {
                    List<Lease> leases = take(max, now, leaseDuration);
                    if (state.readyCount() > 0) {
                        state.available.signal();
                    }
                    return leases;
                }
                if (remaining <= 0) {
                    return List.of();
                }
                long wait = remaining;
                Duration next = state.untilNextChange(now);
                if (next != null) {
                    wait = Math.min(wait, Math.max(1, saturatedNanos(next)));
                }
                long left = state.available.awaitNanos(wait);
                remaining -= wait - Math.max(0, left);
            }
        } finally {
            store.unlock();
        }
    }

    private static void checkClaim(int max, Duration leaseDuration) {
        if (max < 1 || max > MAX_BATCH) {
            throw new IllegalArgumentException("max must be between 1 and " + MAX_BATCH + ", was " + max);
        }
        Objects.requireNonNull(leaseDuration, "leaseDuration");
        if (leaseDuration.isZero() || leaseDuration.isNegative()) {
            throw new IllegalArgumentException("leaseDuration must be positive, was " + leaseDuration);
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private List<Lease> take(int max, Instant now, Duration leaseDuration) {
        int n = Math.min(max, state.readyCount());
        if (n == 1) {
            return List.of(take(now.plus(leaseDuration), now));
        }
        List<Lease> leases = new ArrayList<>(n);
        Instant expiry = now.plus(leaseDuration);
        for (int i = 0; i < n; i++) {
            leases.add(take(expiry, now));
        }
        return leases;
    }

    private Lease take(Instant expiry, Instant now) {
        MemoryEntry e = state.pollReady();
        state.clearPending(e, now);
        String receipt = state.lease(e, store.nextToken(), expiry);
        return new Lease(e.id, e.payload, e.token, expiry, e.deliveries, receipt);
    }

    /** Completes and claims under one hold of the lock. */
    @Override
    public CompleteAndNext completeAndClaim(Lease done, int max, Duration leaseDuration) {
        Objects.requireNonNull(done, "done");
        checkClaim(max, leaseDuration);
        // Read before taking the lock: a few microseconds early is harmless, and the lock is held shorter.
        Instant now = store.clock.instant();
        store.lock();
        try {
            MemoryEntry e = state.currentLease(done.jobId(), done.fencingToken(), done.receipt());
            if (e != null) {
                state.endLease(e);
            }
            if (Thread.currentThread().isInterrupted()) {
                return new CompleteAndNext(e != null, List.of());
            }
            state.maintain(now);
            List<Lease> next = state.readyCount() == 0 ? List.of() : take(max, now, leaseDuration);
            if (state.readyCount() > 0) {
                state.available.signal();
            }
            return new CompleteAndNext(e != null, next);
        } finally {
            store.unlock();
        }
    }

    @Override
    public Optional<Lease> renew(Lease lease, Duration leaseDuration) {
        Objects.requireNonNull(lease, "lease");
        if (leaseDuration.isZero() || leaseDuration.isNegative()) {
            throw new IllegalArgumentException("leaseDuration must be positive, was " + leaseDuration);
        }
        store.lock();
        try {
            MemoryEntry e = state.currentLease(lease.jobId(), lease.fencingToken(), lease.receipt());
            if (e == null) {
                return Optional.empty();
            }
            state.extend(e, store.clock.instant().plus(leaseDuration));
            return Optional.of(lease.withExpiry(e.leaseExpiry));
        } finally {
            store.unlock();
        }
    }

    /** Ends the lease now if still held, and wakes the claimers, which reclaim it at once. */
    @Override
    public boolean expire(WorkerLease lease) {
        Objects.requireNonNull(lease, "lease");
        store.lock();
        try {
            MemoryEntry e = state.currentLease(lease.jobId(), lease.fencingToken(), lease.receipt());
            if (e == null) {
                return false;
            }
            state.extend(e, store.clock.instant());
            state.available.signalAll();
            return true;
        } finally {
            store.unlock();
        }
    }

    @Override
    public boolean complete(Lease lease) {
        Objects.requireNonNull(lease, "lease");
        return endLease(lease, e -> { });
    }

    /**
     * Under the lock: if {@code lease} still holds its job, ends the lease and hands the job to
     * {@code then}. The one place the complete/release/dead-letter paths check the fencing token.
     *
     * @return false if the lease is stale and nothing changed
     */
    private boolean endLease(Lease lease, Consumer<MemoryEntry> then) {
        store.lock();
        try {
            MemoryEntry e = state.currentLease(lease.jobId(), lease.fencingToken(), lease.receipt());
            if (e == null) {
                return false;
            }
            state.endLease(e);
            then.accept(e);
            return true;
        } finally {
            store.unlock();
        }
    }

    @Override
    public boolean release(Lease lease, String newPayload, Duration delay) {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(newPayload, "newPayload");
        checkDelay(delay);
        return endLease(lease, e -> {
            e.payload = newPayload;
            e.deliveries = 0;
            state.add(e, store.clock.instant(), delay);
        });
    }

    @Override
    public boolean deadLetter(Lease lease, String errorPayload) {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(errorPayload, "errorPayload");
        if (errorQueue) {
            throw new UnsupportedOperationException("an error queue has no error queue");
        }
        return endLease(lease, e -> {
            errorState.add(new MemoryEntry(e.id, errorPayload, store.nextSeq()), store.clock.instant(), Duration.ZERO);
        });
    }

    @Override
    public boolean replayError(String id, String newPayload) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(newPayload, "newPayload");
        if (errorQueue) {
            throw new UnsupportedOperationException("an error queue has no error queue to replay from");
        }
        store.lock();
        try {
            MemoryEntry old = errorState.removeWaiting(id);
            if (old == null) {
                return false;
            }
            state.add(new MemoryEntry(id, newPayload, store.nextSeq()), store.clock.instant(), Duration.ZERO);
            return true;
        } finally {
            store.unlock();
        }
    }

    @Override
    public List<JobRecord> list(int offset, int limit) {
        if (offset < 0 || limit < 1) {
            throw new IllegalArgumentException("offset must be >= 0 and limit >= 1");
        }
        store.lock();
        try {
            state.maintain(store.clock.instant());
            List<JobRecord> out = new ArrayList<>(Math.min(limit, 64));
            for (MemoryEntry e : state.waiting(offset, limit)) {
                out.add(new JobRecord(e.id, e.payload));
            }
            return out;
        } finally {
            store.unlock();
        }
    }

    @Override
    public Optional<JobRecord> find(String id) {
        Objects.requireNonNull(id, "id");
        store.lock();
        try {
            state.maintain(store.clock.instant());
            MemoryEntry e = state.findWaiting(id);
            return e == null ? Optional.empty() : Optional.of(new JobRecord(e.id, e.payload));
        } finally {
            store.unlock();
        }
    }

    @Override
    public boolean remove(String id) {
        Objects.requireNonNull(id, "id");
        store.lock();
        try {
            MemoryEntry e = state.removeWaiting(id);
            if (e == null) {
                return false;
            }
            state.clearPending(e, null);
            return true;
        } finally {
            store.unlock();
        }
    }

    @Override
    public JobPage browse(JobState jobState, String cursor, int limit) {
        JobQueue.checkBrowse(jobState, limit);
        store.lock();
        try {
            state.maintain(store.clock.instant());
            return MemoryBrowse.page(state.entries(jobState), jobState, cursor, limit);
        } finally {
            store.unlock();
        }
    }

    @Override
    public boolean runNow(String id) {
        Objects.requireNonNull(id, "id");
        store.lock();
        try {
            return state.runNow(id);
        } finally {
            store.unlock();
        }
    }

    @Override
    public QueueStats stats() {
        store.lock();
        try {
            state.maintain(store.clock.instant());
            return new QueueStats(state.readyCount(), state.leasedCount(), state.delayedCount());
        } finally {
            store.unlock();
        }
    }

    @Override
    public void flush() {
        store.lock();
        try {
            state.clear();
        } finally {
            store.unlock();
        }
    }

    /** For tests: see {@link QueueState#heldEntries()}. */
    int heldEntries() {
        store.lock();
        try {
            return state.heldEntries();
        } finally {
            store.unlock();
        }
    }

    /**
     * For tests: checks this queue's invariants under the store's lock; see
     * {@link QueueState#checkInvariants()}. The in-memory contract run reaches it by reflection
     * after each test, so that no public method exists only for tests.
     *
     * @throws IllegalStateException describing the first invariant found broken
     */
    void checkInvariants() {
        store.lock();
        try {
            state.checkInvariants();
        } finally {
            store.unlock();
        }
    }

    /** For tests: the state of this queue, guarded by the store's lock. */
    QueueState state() {
        return state;
    }

    @Override
    public String toString() {
        return errorQueue ? "InMemoryJobQueue[error queue]" : "InMemoryJobQueue[main queue]";
    }
}
