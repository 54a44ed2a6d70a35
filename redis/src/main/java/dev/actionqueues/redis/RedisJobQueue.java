package dev.actionqueues.redis;

import dev.actionqueues.deferred.BackendException;
import dev.actionqueues.deferred.spi.CompleteAndNext;
import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceResult;
import dev.actionqueues.deferred.spi.JobPage;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.JobRecord;
import dev.actionqueues.deferred.spi.JobSnapshot;
import dev.actionqueues.deferred.spi.JobState;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.spi.QueueCapabilities;
import dev.actionqueues.deferred.spi.QueueStats;
import dev.actionqueues.deferred.spi.WorkerLease;
import dev.actionqueues.redis.RedisEntries.ClaimReply;
import dev.actionqueues.redis.StepBatcher.Step;
import dev.actionqueues.redis.StepBatcher.StepResult;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One queue (main or error) of one group on Redis. Every state change is one fixed Lua script (an
 * immediate push is a single {@code LPUSH}), so no crash between two commands can lose or duplicate
 * a job; leases use the server's clock and carry a fencing token from a per-group counter.
 *
 * <p>Concurrent claims and completes from many threads are combined into one script call
 * ({@link StepBatcher}), and a worker that completes a job can claim the next in the same round trip.
 * Entries are stored as {@link RedisEntries} describes. A claim that finds nothing waits as
 * {@link IdleWaiter} describes: at most one thread per queue blocks on Redis, and an idle queue costs
 * Redis about two commands every {@link IdleWaiter#MAX_WAIT}.
 *
 * <p>Thread-safe. Lettuce exceptions are wrapped in {@link BackendException}.
 */
final class RedisJobQueue implements JobQueue, AutoCloseable {

    static final int MAX_BATCH = 1000;

    private final RedisKeys keys;
    private final boolean errorQueue;
    private volatile boolean closed;
    /** The queue keys plus the error queue's ready list, for dead-lettering and replay (main queue only). */
    private final String[] withErrorReady;
    private final String[] queueKeys;
    private final RedisOps ops;
    private final QueueCapabilities capabilities;
    private final IdleWaiter waiter;
    private final StepBatcher steps;
    private final Consumer<RedisJobQueue> onClose;

    /**
     * Creates the queue of {@code keys}: the error queue if {@link RedisKeys#isErrorQueue()}, else the main
     * queue, which dead-letters into the error queue of the same group. {@code onClose} is told of every
     * {@link #close()}.
     */
    RedisJobQueue(RedisKeys keys, RedisOps ops, Supplier<RedisOps> blockingConnections,
            Consumer<RedisJobQueue> onClose) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.errorQueue = keys.isErrorQueue();
        this.withErrorReady = keys.with(keys.errorQueue().ready());
        this.queueKeys = keys.queueKeys();
        this.ops = Objects.requireNonNull(ops, "ops");
        this.capabilities = new QueueCapabilities(RedisEntries.MAX_DELAY, MAX_BATCH, RedisEntries.MAX_PAYLOAD_BYTES,
                true, true, !errorQueue, !errorQueue);
        this.waiter = new IdleWaiter(keys.ready(), blockingConnections);
        this.steps = new StepBatcher(ops, queueKeys, waiter::nextEvent);
        this.onClose = Objects.requireNonNull(onClose, "onClose");
    }

    RedisKeys keys() {
        return keys;
    }

    @Override
    public QueueCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public void push(NewJob job) {
        RedisEntries.check(job);
        String entry = RedisEntries.encode(job.id(), job.payload());
        if (job.delay().isZero()) {
            call(() -> ops.lpush(keys.ready(), entry), "push");
        } else {
            call(() -> ops.run(Script.PUSH_DELAYED, ScriptOutputType.INTEGER, queueKeys, entry,
                    Long.toString(job.delay().toMillis())), "push");
        }
    }

    @Override
    public boolean pushIfAbsent(NewJob job) {
        if (errorQueue) {
            throw new UnsupportedOperationException("an error queue cannot push a job only if its id is absent");
        }
        RedisEntries.check(job);
        String entry = RedisEntries.encode(job.id(), job.payload());
        Long r = call(() -> ops.run(Script.PUSH_UNIQUE, ScriptOutputType.INTEGER, queueKeys, job.id(), entry,
                Long.toString(job.delay().toMillis())), "push");
        return r == 1L;
    }

    @Override
    public List<Boolean> pushBatch(List<NewJob> jobs) {
        checkBatch(jobs.size());
        List<String> immediate = new ArrayList<>();
        for (NewJob job : jobs) {
            RedisEntries.check(job);
            if (job.delay().isZero()) {
                immediate.add(RedisEntries.encode(job.id(), job.payload()));
            }
        }
        if (!immediate.isEmpty()) {
            call(() -> ops.lpush(keys.ready(), immediate.toArray(String[]::new)), "push");
        }
        for (NewJob job : jobs) {
            if (!job.delay().isZero()) {
                push(job);
            }
        }
        List<Boolean> out = new ArrayList<>(jobs.size());
        jobs.forEach(j -> out.add(Boolean.TRUE));
        return out;
    }

    @Override
    public DebounceResult pushDebounced(NewJob job, Debounce debounce) {
        if (errorQueue) {
            throw new UnsupportedOperationException("the error queue does not debounce");
        }
        RedisEntries.check(job);
        String window = Long.toString(RedisEntries.windowMillis(debounce.window()));
        String entry = RedisEntries.encode(job.id(), job.payload());
        List<Object> r = call(() -> ops.run(Script.DEBOUNCE_PUSH, ScriptOutputType.MULTI, queueKeys,
                RedisKeys.debounceField(debounce.key()), entry, job.id(), window, debounce.alwaysDelay() ? "1" : "0"),
                "debounced push");
        return RedisEntries.parseDebounce(r);
    }

    @Override
    public List<Lease> claimBatch(int max, Duration leaseDuration, Duration maxWait) throws InterruptedException {
        checkMax(max);
        checkPositive(leaseDuration, "leaseDuration");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative");
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted before claiming a job");
            }
            checkOpen();
            List<Lease> leases = max == 1 ? steps.submit(Step.claim(leaseDuration, 1)).claimed()
                    : claim(leaseDuration, max);
            if (Thread.interrupted()) {
                // Interrupted while the claim was on its way: hand the jobs back, claim nothing.
                giveBack(leases);
                throw new InterruptedException("interrupted while claiming a job; the claimed jobs were given back");
            }
            long remaining = deadline - System.nanoTime();
            if (!leases.isEmpty() || remaining <= 0 || waiter.isClosed()) {
                return leases;
            }
            waiter.await(remaining);
        }
    }

    /** Completes {@code done} and claims the next job in one script call, combined with other threads' calls. */
    @Override
    public CompleteAndNext completeAndClaim(Lease done, int max, Duration leaseDuration) {
        Objects.requireNonNull(done, "done");
        checkMax(max);
        checkPositive(leaseDuration, "leaseDuration");
        if (Thread.currentThread().isInterrupted()) {
            return new CompleteAndNext(complete(done), List.of());
        }
        checkOpen();
        StepResult r = steps.submit(new Step(done, leaseDuration, max));
        if (!r.claimed().isEmpty() && Thread.currentThread().isInterrupted()) {
            giveBack(r.claimed());
            return new CompleteAndNext(r.completed(), List.of());
        }
        return new CompleteAndNext(r.completed(), r.claimed());
    }

    private List<Lease> claim(Duration lease, int max) {
        List<Object> r = call(() -> ops.run(Script.CLAIM, ScriptOutputType.MULTI, queueKeys,
                Long.toString(lease.toMillis()), Integer.toString(max)), "claim");
        ClaimReply reply = RedisEntries.parseClaim(r, 0, lease);
        if (reply.empty()) {
            waiter.nextEvent(reply.nextEvent());
        }
        return reply.leases();
    }

    private void giveBack(List<Lease> leases) {
        for (Lease l : leases) {
            release(l, l.payload(), Duration.ZERO);
        }
    }

    @Override
    public Optional<Lease> renew(Lease lease, Duration leaseDuration) {
        checkPositive(leaseDuration, "leaseDuration");
        Long expiry = call(() -> ops.run(Script.TOUCH, ScriptOutputType.INTEGER, queueKeys, lease.jobId(),
                lease.receipt(), Long.toString(leaseDuration.toMillis())), "touch");
        return expiry == null || expiry == 0L ? Optional.empty()
                : Optional.of(lease.withExpiry(Instant.ofEpochMilli(expiry)));
    }

    /** Ends the lease now if still held ({@code expire.lua}); the job goes to the front of the ready list. */
    @Override
    public boolean expire(WorkerLease lease) {
        Long r = call(() -> ops.run(Script.EXPIRE, ScriptOutputType.INTEGER, queueKeys, lease.jobId(),
                lease.receipt().isEmpty() ? Long.toString(lease.fencingToken()) : lease.receipt()), "expire");
        return r != null && r == 1L;
    }

    @Override
    public boolean complete(Lease lease) {
        checkOpen();
        return steps.submit(Step.complete(lease)).completed();
    }

    @Override
    public List<Boolean> completeBatch(List<Lease> leases) {
        checkBatch(leases.size());
        List<Step> batch = new ArrayList<>(leases.size());
        for (Lease l : leases) {
            batch.add(Step.complete(l));
        }
        List<Boolean> out = new ArrayList<>(leases.size());
        if (!batch.isEmpty()) {
            checkOpen();
            for (StepResult r : steps.run(batch)) {
                out.add(r.completed());
            }
        }
        return out;
    }

    @Override
    public boolean release(Lease lease, String newPayload, Duration delay) {
        RedisEntries.checkReleaseDelay(delay);
        String entry = RedisEntries.encode(lease.jobId(), newPayload);
        Long r = call(() -> ops.run(Script.RELEASE, ScriptOutputType.INTEGER, queueKeys, lease.jobId(),
                lease.receipt(), entry, Long.toString(delay.toMillis())), "release");
        return r != null && r == 1L;
    }

    @Override
    public boolean deadLetter(Lease lease, String errorPayload) {
        if (errorQueue) {
            throw new UnsupportedOperationException("this is an error queue");
        }
        String entry = RedisEntries.encode(lease.jobId(), errorPayload);
        Long r = call(() -> ops.run(Script.DEAD_LETTER, ScriptOutputType.INTEGER, withErrorReady,
                lease.jobId(), lease.receipt(), entry), "dead-letter");
        return r != null && r == 1L;
    }

    @Override
    public boolean replayError(String id, String newPayload) {
        if (errorQueue) {
            throw new UnsupportedOperationException("this is an error queue");
        }
        String entry = RedisEntries.encode(id, newPayload);
        Long r = call(() -> ops.run(Script.REPLAY_ERROR, ScriptOutputType.INTEGER, withErrorReady, id, entry),
                "replay");
        return r != null && r == 1L;
    }

    @Override
    public List<JobRecord> list(int offset, int limit) {
        if (offset < 0 || limit < 1) {
            throw new IllegalArgumentException("offset must be >= 0 and limit >= 1");
        }
        List<Object> r = call(() -> ops.run(Script.LIST, ScriptOutputType.MULTI, queueKeys, Integer.toString(offset),
                Integer.toString(limit)), "list");
        List<JobRecord> out = new ArrayList<>(r.size() / 2);
        for (int i = 0; i + 1 < r.size(); i += 2) {
            out.add(new JobRecord((String) r.get(i), (String) r.get(i + 1)));
        }
        return out;
    }

    @Override
    public JobPage browse(JobState state, String cursor, int limit) {
        JobQueue.checkBrowse(state, limit);
        if (cursor != null && !(cursor.startsWith("L:") || cursor.startsWith("D:") || cursor.startsWith("F:"))) {
            throw new IllegalArgumentException("not a cursor of this queue: " + cursor);
        }
        List<Object> r = call(() -> ops.run(Script.BROWSE, ScriptOutputType.MULTI, queueKeys,
                state.name().toLowerCase(java.util.Locale.ROOT), cursor == null ? "" : cursor,
                Integer.toString(limit)), "browse");
        List<JobSnapshot> jobs = new ArrayList<>(r.size() / 5);
        for (int i = 1; i + 4 < r.size(); i += 5) {
            jobs.add(new JobSnapshot((String) r.get(i), (String) r.get(i + 1), state, millis(r.get(i + 2)),
                    millis(r.get(i + 3)), Integer.parseInt((String) r.get(i + 4))));
        }
        String next = (String) r.get(0);
        return JobPage.of(jobs, next.isEmpty() ? null : next);
    }

    private static Instant millis(Object score) {
        String s = (String) score;
        return s.isEmpty() ? null : Instant.ofEpochMilli((long) Double.parseDouble(s));
    }

    @Override
    public boolean runNow(String id) {
        Long r = call(() -> ops.run(Script.RUN_NOW, ScriptOutputType.INTEGER, queueKeys, id), "runNow");
        return r != null && r == 1L;
    }

    @Override
    public Optional<JobRecord> find(String id) {
        String payload = call(() -> ops.run(Script.FIND, ScriptOutputType.VALUE, queueKeys, id), "find");
        return payload == null ? Optional.empty() : Optional.of(new JobRecord(id, payload));
    }

    @Override
    public boolean remove(String id) {
        Long r = call(() -> ops.run(Script.REMOVE, ScriptOutputType.INTEGER, queueKeys, id), "remove");
        return r != null && r == 1L;
    }

    @Override
    public QueueStats stats() {
        List<Object> r = call(() -> ops.run(Script.STATS, ScriptOutputType.MULTI, queueKeys), "stats");
        return new QueueStats(Math.max(0, (Long) r.get(0)), (Long) r.get(1), (Long) r.get(2));
    }

    /** Removes every job and the debounce state in one script call ({@code flush.lua}), so it is atomic. */
    @Override
    public void flush() {
        call(() -> ops.run(Script.FLUSH, ScriptOutputType.INTEGER, queueKeys), "flush");
    }

    /** Wakes the threads waiting for a job, closes the blocking connection and tells the factory. */
    @Override
    public void close() {
        closed = true;
        waiter.close();
        onClose.accept(this);
    }

    /** Every call to Redis goes through here: refused once closed, vendor failures wrapped. */
    private <T> T call(Supplier<T> op, String what) {
        checkOpen();
        return RedisOps.call(op, what);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this Redis queue (" + keys.ready() + ") is closed");
        }
    }

    @Override
    public String toString() {
        return "RedisJobQueue[" + keys.ready() + "]";
    }

    private static void checkMax(int max) {
        if (max < 1 || max > MAX_BATCH) {
            throw new IllegalArgumentException("max must be between 1 and " + MAX_BATCH + ", was " + max);
        }
    }

    private static void checkPositive(Duration d, String name) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }

    private void checkBatch(int size) {
        int max = capabilities().maxBatchSize();
        if (size < 0 || size > max) {
            throw new IllegalArgumentException("batch size must be between 0 and " + max + ", was " + size);
        }
    }
}
