package dev.actionqueues.redis;

import dev.actionqueues.deferred.BackendException;
import dev.actionqueues.deferred.spi.CompleteAndNext;
import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceResult;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.JobRecord;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.spi.QueueCapabilities;
import dev.actionqueues.deferred.spi.QueueStats;
import dev.actionqueues.redis.RedisEntries.ClaimReply;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One queue (main or error) of one group on Redis. Every state change is one fixed Lua script (an
 * immediate push is a single {@code LPUSH}), so no crash between two commands can lose or duplicate
 * a job; leases use the server's clock and carry a fencing token from a per-group counter.
 *
 * <p>Concurrent claims and completes from many threads are combined into one script call, and a
 * worker that completes a job can claim the next in the same round trip.
 *
 * Entries are stored as {@link RedisEntries} describes.
 *
 * <p>A claim that finds nothing waits as {@link IdleWaiter} describes: at most one thread per queue
 * blocks on Redis, and an idle queue costs Redis about two commands every {@link IdleWaiter#MAX_WAIT}.
 *
 * <p>Thread-safe. Lettuce exceptions are wrapped in {@link BackendException}.
 */
final class RedisJobQueue implements JobQueue, AutoCloseable {

    static final int MAX_BATCH = 1000;

    /** One thread's part of a combined call: complete a lease (if set), then claim up to {@code claims} jobs. */
    private record Step(Lease done, Duration lease, int claims) {
    }

    private record StepResult(boolean completed, List<Lease> claimed) {
    }

    private final RedisKeys keys;
    private final RedisKeys errorKeys;
    private final String[] queueKeys;
    private final RedisOps ops;
    private final QueueCapabilities capabilities;
    private final Combiner<Step, StepResult> stepper = new Combiner<>(64, this::stepBatch);
    private final IdleWaiter waiter;

    /**
     * @param keys this queue's keys
     * @param errorKeys the error queue's keys, or null if this is an error queue
     */
    RedisJobQueue(RedisKeys keys, RedisKeys errorKeys, RedisOps ops, Supplier<RedisOps> blockingConnections) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.errorKeys = errorKeys;
        this.queueKeys = keys.queueKeys();
        this.ops = Objects.requireNonNull(ops, "ops");
        this.capabilities = new QueueCapabilities(RedisEntries.MAX_DELAY, MAX_BATCH, RedisEntries.MAX_PAYLOAD_BYTES,
                true, true, errorKeys != null);
        this.waiter = new IdleWaiter(keys.ready(), blockingConnections);
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
        if (errorKeys == null) {
            throw new UnsupportedOperationException("the error queue does not debounce");
        }
        RedisEntries.check(job);
        String entry = RedisEntries.encode(job.id(), job.payload());
        List<Object> r = call(() -> ops.run(Script.DEBOUNCE_PUSH, ScriptOutputType.MULTI,
                keys.with(keys.debounce(debounce.key())), entry, Long.toString(debounce.window().toMillis()),
                debounce.alwaysDelay() ? "1" : "0"), "debounced push");
        return RedisEntries.parseDebounce(r);
    }

    @Override
    public List<Lease> claimBatch(int max, Duration leaseDuration, Duration maxWait) throws InterruptedException {
        if (max < 1 || max > MAX_BATCH) {
            throw new IllegalArgumentException("max must be between 1 and " + MAX_BATCH + ", was " + max);
        }
        checkPositive(leaseDuration, "leaseDuration");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative");
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted before claiming a job");
            }
            List<Lease> leases;
            if (max == 1) {
                leases = stepper.submit(new Step(null, leaseDuration, 1)).claimed();
            } else {
                leases = claim(leaseDuration, max);
            }
            if (Thread.interrupted()) {
                // Interrupted while the claim was on its way: hand the jobs back, claim nothing.
                for (Lease l : leases) {
                    release(l, l.payload(), Duration.ZERO);
                }
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
        if (max < 1 || max > MAX_BATCH) {
            throw new IllegalArgumentException("max must be between 1 and " + MAX_BATCH + ", was " + max);
        }
        checkPositive(leaseDuration, "leaseDuration");
        if (Thread.currentThread().isInterrupted()) {
            return new CompleteAndNext(complete(done), List.of());
        }
        StepResult r = stepper.submit(new Step(done, leaseDuration, max));
        if (!r.claimed().isEmpty() && Thread.currentThread().isInterrupted()) {
            for (Lease l : r.claimed()) {
                release(l, l.payload(), Duration.ZERO);
            }
            return new CompleteAndNext(r.completed(), List.of());
        }
        return new CompleteAndNext(r.completed(), r.claimed());
    }

    private List<Lease> claim(Duration lease, int max) {
        List<Object> r = call(() -> ops.run(Script.CLAIM, ScriptOutputType.MULTI, queueKeys,
                Long.toString(lease.toMillis()), Integer.toString(max)), "claim");
        return claimed(RedisEntries.parseClaim(r, 0, lease));
    }

    /** The claimed jobs; when there were none, tells the waiter how long until the next event. */
    private List<Lease> claimed(ClaimReply reply) {
        if (reply.empty()) {
            waiter.nextEvent(reply.nextEvent());
        }
        return reply.leases();
    }

    private List<StepResult> stepBatch(List<Step> steps) {
        List<String> args = new ArrayList<>(2 + steps.size() * 2);
        Duration lease = null;
        int wanted = 0;
        args.add("");
        args.add("");
        for (Step s : steps) {
            if (s.claims() > 0) {
                wanted += s.claims();
                if (lease == null || s.lease().compareTo(lease) > 0) {
                    lease = s.lease();
                }
            }
            if (s.done() != null) {
                args.add(s.done().jobId());
                args.add(s.done().receipt());
            }
        }
        Duration leaseFinal = lease == null ? Duration.ofSeconds(1) : lease;
        args.set(0, Long.toString(leaseFinal.toMillis()));
        args.set(1, Integer.toString(wanted));
        List<Object> r = call(() -> ops.run(Script.STEP, ScriptOutputType.MULTI, queueKeys, args.toArray(String[]::new)),
                "claim/complete");
        String flags = (String) r.get(0);
        List<Lease> claimed = wanted > 0 ? claimed(RedisEntries.parseClaim(r, 1, leaseFinal)) : List.of();
        List<StepResult> out = new ArrayList<>(steps.size());
        int flag = 0;
        int job = 0;
        for (Step s : steps) {
            boolean completed = s.done() != null && flags.charAt(flag++) == '1';
            int n = Math.min(s.claims(), claimed.size() - job);
            out.add(new StepResult(completed, n == 0 ? List.of() : List.copyOf(claimed.subList(job, job + n))));
            job += n;
        }
        return out;
    }

    @Override
    public Optional<Lease> renew(Lease lease, Duration leaseDuration) {
        checkPositive(leaseDuration, "leaseDuration");
        Long expiry = call(() -> ops.run(Script.TOUCH, ScriptOutputType.INTEGER, queueKeys, lease.jobId(), lease.receipt(),
                Long.toString(leaseDuration.toMillis())), "touch");
        return expiry == null || expiry == 0L ? Optional.empty() : Optional.of(lease.withExpiry(Instant.ofEpochMilli(expiry)));
    }

    @Override
    public boolean complete(Lease lease) {
        return stepper.submit(new Step(lease, null, 0)).completed();
    }

    @Override
    public List<Boolean> completeBatch(List<Lease> leases) {
        checkBatch(leases.size());
        List<Step> steps = new ArrayList<>(leases.size());
        for (Lease l : leases) {
            steps.add(new Step(l, null, 0));
        }
        List<Boolean> out = new ArrayList<>(leases.size());
        if (!steps.isEmpty()) {
            for (StepResult r : stepBatch(steps)) {
                out.add(r.completed());
            }
        }
        return out;
    }

    @Override
    public boolean release(Lease lease, String newPayload, Duration delay) {
        RedisEntries.checkReleaseDelay(delay);
        String entry = RedisEntries.encode(lease.jobId(), newPayload);
        Long r = call(() -> ops.run(Script.RELEASE, ScriptOutputType.INTEGER, queueKeys, lease.jobId(), lease.receipt(),
                entry, Long.toString(delay.toMillis())), "release");
        return r != null && r == 1L;
    }

    @Override
    public boolean deadLetter(Lease lease, String errorPayload) {
        if (errorKeys == null) {
            throw new UnsupportedOperationException("this is an error queue");
        }
        String entry = RedisEntries.encode(lease.jobId(), errorPayload);
        Long r = call(() -> ops.run(Script.DEAD_LETTER, ScriptOutputType.INTEGER, keys.with(errorKeys.ready()),
                lease.jobId(), lease.receipt(), entry), "dead-letter");
        return r != null && r == 1L;
    }

    @Override
    public boolean replayError(String id, String newPayload) {
        if (errorKeys == null) {
            throw new UnsupportedOperationException("this is an error queue");
        }
        String entry = RedisEntries.encode(id, newPayload);
        Long r = call(() -> ops.run(Script.REPLAY_ERROR, ScriptOutputType.INTEGER, keys.with(errorKeys.ready()), id,
                entry), "replay");
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

    @Override
    public void flush() {
        call(() -> {
            ops.del(keys.stateKeys());
            List<String> debounce = ops.scanKeys(keys.debouncePattern());
            if (!debounce.isEmpty()) {
                ops.del(debounce.toArray(String[]::new));
            }
            return null;
        }, "flush");
    }

    private static void checkPositive(Duration d, String name) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }

    private static <T> T call(Supplier<T> op, String what) {
        try {
            return op.get();
        } catch (RedisException e) {
            throw new BackendException("Redis " + what + " failed: " + e.getMessage(), e);
        }
    }

    /** Wakes the threads waiting for a job and closes the blocking connection. */
    @Override
    public void close() {
        waiter.close();
    }

    @Override
    public String toString() {
        return "RedisJobQueue[" + keys.ready() + "]";
    }

    private void checkBatch(int size) {
        int max = capabilities().maxBatchSize();
        if (size < 0 || size > max) {
            throw new IllegalArgumentException("batch size must be between 0 and " + max + ", was " + size);
        }
    }
}
