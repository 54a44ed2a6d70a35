package dev.actionqueues.redis;

import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The Redis job store of one group: every state change is one fixed Lua script, so no crash between
 * two commands can lose or duplicate a job; leases use the server's clock and carry a fencing token.
 *
 * <p>An immediate push is one {@code LPUSH}. Idle waiting: at most one thread per store blocks on
 * Redis ({@code BLMOVE} of the ready list onto itself, which returns as soon as the list is
 * non-empty and changes nothing); the others wait on a local condition, so an idle store costs Redis
 * about two commands every {@link #MAX_IDLE_WAIT}, and still wakes for a delayed job's due time.
 *
 * <p>Thread-safe. Lettuce exceptions are wrapped in {@link RedisBackendException}.
 */
final class RedisJobStore implements AutoCloseable {

    /** The longest a blocked worker waits on Redis before it looks again. */
    static final Duration MAX_IDLE_WAIT = Duration.ofSeconds(5);

    record Claimed(String id, String payload, String token, int deliveries) {
    }

    record ClaimResult(List<Claimed> jobs, Duration nextEvent) {
    }

    enum DebounceKind { NOW, DELAYED, SKIPPED, }

    record DebounceResult(DebounceKind kind, Duration delay, String pendingId) {
    }

    record Counts(long available, long inFlight, long delayed, long errors) {
    }

    private final RedisKeys keys;
    private final String[] queueKeys;
    private final RedisOps ops;
    private final Supplier<RedisOps> blockingConnections;
    private final ReentrantLock waitLock = new ReentrantLock();
    private final Condition woken = waitLock.newCondition();
    private boolean waiterActive;
    private long wakeGeneration;
    private RedisOps blocking;
    private volatile boolean closed;
    private volatile Duration lastNextEvent;
    private final Combiner<Step, StepResult> stepper = new Combiner<>(64, this::stepBatch);

    /** One thread's part of a combined call: complete a job (if id is set), then claim one (if claim). */
    record Step(String id, String token, Duration lease, boolean claim) {
    }

    record StepResult(boolean completed, Claimed job) {
    }

    RedisJobStore(RedisKeys keys, RedisOps ops, Supplier<RedisOps> blockingConnections) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.queueKeys = keys.queueKeys();
        this.ops = Objects.requireNonNull(ops, "ops");
        this.blockingConnections = Objects.requireNonNull(blockingConnections, "blockingConnections");
    }

    RedisKeys keys() {
        return keys;
    }

    /** The entry format the scripts parse: {@code v1|<id>|<max deliveries>|<deliveries>|<payload>}. */
    static String entry(String id, int maxDeliveries, String payload) {
        checkId(id);
        return "v1|" + id + "|" + maxDeliveries + "|0|" + payload;
    }

    static String checkId(String id) {
        Objects.requireNonNull(id, "id");
        if (id.isEmpty() || id.length() > 200 || id.indexOf('|') >= 0) {
            throw new IllegalArgumentException("job id must be 1-200 characters without '|'");
        }
        return id;
    }

    void push(String id, String payload, Duration delay, int maxDeliveries) {
        String entry = entry(id, maxDeliveries, payload);
        if (delay.isZero() || delay.isNegative()) {
            call(() -> ops.lpush(keys.ready(), entry), "push");
        } else {
            call(() -> ops.run(Script.PUSH_DELAYED, ScriptOutputType.INTEGER, queueKeys, entry,
                    Long.toString(delay.toMillis())), "push");
        }
    }

    /** Pushes many immediate jobs in one command: (id, payload) pairs. */
    void pushAll(List<String[]> idPayloads, int maxDeliveries) {
        if (idPayloads.isEmpty()) {
            return;
        }
        String[] entries = new String[idPayloads.size()];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = entry(idPayloads.get(i)[0], maxDeliveries, idPayloads.get(i)[1]);
        }
        call(() -> ops.lpush(keys.ready(), entries), "push");
    }

    DebounceResult debouncedPush(String debounceKey, String id, String payload, Duration window, boolean alwaysDelay,
            int maxDeliveries) {
        String entry = entry(id, maxDeliveries, payload);
        List<Object> r = call(() -> ops.run(Script.DEBOUNCE_PUSH, ScriptOutputType.MULTI,
                keys.withDebounce(debounceKey), entry, id, Long.toString(window.toMillis()), alwaysDelay ? "1" : "0"),
                "debounced push");
        String kind = (String) r.get(0);
        return switch (kind) {
            case "skip" -> new DebounceResult(DebounceKind.SKIPPED, Duration.ZERO, (String) r.get(1));
            case "now" -> new DebounceResult(DebounceKind.NOW, Duration.ZERO, null);
            default -> new DebounceResult(DebounceKind.DELAYED,
                    Duration.ofMillis(Long.parseLong(r.get(1).toString())), null);
        };
    }

    ClaimResult claim(Duration lease, int max) {
        List<Object> r = call(() -> ops.run(Script.CLAIM, ScriptOutputType.MULTI, queueKeys,
                Long.toString(lease.toMillis()), Integer.toString(max)), "claim");
        if ("empty".equals(r.get(0))) {
            long next = Long.parseLong(r.get(1).toString());
            return new ClaimResult(List.of(), next < 0 ? null : Duration.ofMillis(next));
        }
        List<Claimed> jobs = new ArrayList<>((r.size() - 1) / 4);
        for (int i = 1; i + 3 < r.size(); i += 4) {
            jobs.add(new Claimed((String) r.get(i), (String) r.get(i + 1), (String) r.get(i + 2),
                    Integer.parseInt(r.get(i + 3).toString())));
        }
        return new ClaimResult(jobs, null);
    }

    /**
     * Claims up to {@code max} jobs, waiting up to {@code wait} for one to become available.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    ClaimResult claim(Duration lease, int max, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            ClaimResult r = claim(lease, max);
            long remaining = deadline - System.nanoTime();
            if (!r.jobs().isEmpty() || remaining <= 0 || closed) {
                return r;
            }
            long waitNanos = Math.min(remaining, MAX_IDLE_WAIT.toNanos());
            if (r.nextEvent() != null) {
                waitNanos = Math.min(waitNanos, Math.max(r.nextEvent().toNanos(), TimeUnit.MILLISECONDS.toNanos(1)));
            }
            awaitWork(waitNanos);
        }
    }

    private void awaitWork(long nanos) throws InterruptedException {
        waitLock.lockInterruptibly();
        boolean leader;
        long generation = wakeGeneration;
        try {
            leader = !waiterActive;
            if (leader) {
                waiterActive = true;
            } else {
                long left = nanos;
                while (generation == wakeGeneration && left > 0 && !closed) {
                    left = woken.awaitNanos(left);
                }
                return;
            }
        } finally {
            waitLock.unlock();
        }
        try {
            RedisOps conn = blockingConnection();
            Duration timeout = Duration.ofNanos(nanos);
            conn.setTimeout(timeout.plusSeconds(10));
            try {
                conn.awaitNonEmpty(timeout, keys.ready());
            } catch (RedisCommandInterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedException("interrupted while waiting for a job");
            } catch (RedisException e) {
                throw new RedisBackendException("Redis wait failed: " + e.getMessage(), e);
            }
        } finally {
            waitLock.lock();
            try {
                waiterActive = false;
                wakeGeneration++;
                woken.signalAll();
            } finally {
                waitLock.unlock();
            }
        }
    }

    private RedisOps blockingConnection() {
        waitLock.lock();
        try {
            if (blocking == null) {
                blocking = blockingConnections.get();
            }
            return blocking;
        } finally {
            waitLock.unlock();
        }
    }

    boolean touch(String id, String token, Duration lease) {
        Long r = call(() -> ops.run(Script.TOUCH, ScriptOutputType.INTEGER, queueKeys, id, token,
                Long.toString(lease.toMillis())), "touch");
        return r != null && r == 1L;
    }


    /** Completes one job, batched with concurrent calls from other threads. */
    boolean completeCombined(String id, String token) throws InterruptedException {
        return stepper.submit(new Step(id, token, null, false)).completed();
    }

    /** Claims one job, batched with concurrent calls from other threads; null when none is available. */
    Claimed claimCombined(Duration lease) throws InterruptedException {
        return stepper.submit(new Step(null, null, lease, true)).job();
    }

    /** Completes one job and claims the next in the same round trip, batched with other threads. */
    StepResult completeAndClaim(String id, String token, Duration lease) throws InterruptedException {
        return stepper.submit(new Step(id, token, lease, true));
    }

    private List<StepResult> stepBatch(List<Step> steps) {
        List<String> args = new ArrayList<>(2 + steps.size() * 2);
        Duration lease = null;
        int wanted = 0;
        args.add("");
        args.add("");
        for (Step s : steps) {
            if (s.claim()) {
                wanted++;
                if (lease == null || s.lease().compareTo(lease) > 0) {
                    lease = s.lease();
                }
            }
            if (s.id() != null) {
                args.add(s.id());
                args.add(s.token());
            }
        }
        args.set(0, Long.toString(lease == null ? 0 : lease.toMillis()));
        args.set(1, Integer.toString(wanted));
        List<Object> r = call(() -> ops.run(Script.STEP, ScriptOutputType.MULTI, queueKeys, args.toArray(String[]::new)),
                "claim/complete");
        String flags = (String) r.get(0);
        List<Claimed> jobs = new ArrayList<>();
        if ("empty".equals(r.get(1))) {
            long next = Long.parseLong(r.get(2).toString());
            lastNextEvent = next < 0 ? null : Duration.ofMillis(next);
        } else {
            for (int i = 2; i + 3 < r.size(); i += 4) {
                jobs.add(new Claimed((String) r.get(i), (String) r.get(i + 1), (String) r.get(i + 2),
                        Integer.parseInt(r.get(i + 3).toString())));
            }
        }
        List<StepResult> out = new ArrayList<>(steps.size());
        int flag = 0;
        int job = 0;
        for (Step s : steps) {
            boolean completed = s.id() != null && flags.charAt(flag++) == '1';
            Claimed c = s.claim() && job < jobs.size() ? jobs.get(job++) : null;
            out.add(new StepResult(completed, c));
        }
        return out;
    }

    /** The time until the next delayed job falls due or lease runs out, as of the last empty claim. */
    Duration lastNextEvent() {
        return lastNextEvent;
    }

    boolean complete(String id, String token) {
        Long r = call(() -> ops.run(Script.COMPLETE, ScriptOutputType.INTEGER, queueKeys, id, token), "complete");
        return r != null && r == 1L;
    }

    boolean release(String id, String token, String payload, Duration delay, int maxDeliveries) {
        String entry = entry(id, maxDeliveries, payload);
        Long r = call(() -> ops.run(Script.RELEASE, ScriptOutputType.INTEGER, queueKeys, id, token, entry,
                Long.toString(delay.toMillis())), "release");
        return r != null && r == 1L;
    }

    boolean fail(String id, String token, String errorEntry) {
        Long r = call(() -> ops.run(Script.FAIL, ScriptOutputType.INTEGER, queueKeys, id, token, errorEntry), "fail");
        return r != null && r == 1L;
    }

    boolean replay(String id, String payload, int maxDeliveries) {
        String entry = entry(id, maxDeliveries, payload);
        Long r = call(() -> ops.run(Script.REPLAY, ScriptOutputType.INTEGER, queueKeys, id, entry), "replay");
        return r != null && r == 1L;
    }

    Counts counts() {
        List<Object> r = call(() -> ops.run(Script.STATS, ScriptOutputType.MULTI, queueKeys), "stats");
        return new Counts((Long) r.get(0), (Long) r.get(1), (Long) r.get(2), (Long) r.get(3));
    }

    /** Error entries in the order they arrived, from {@code offset}, at most {@code limit}. */
    Map<String, String> errors(long offset, int limit) {
        return call(() -> {
            List<String> ids = ops.zrange(keys.errorOrder(), offset, offset + limit - 1);
            return ops.hmgetAll(keys.errors(), ids);
        }, "list errors");
    }

    String error(String id) {
        return call(() -> ops.hget(keys.errors(), id), "get error");
    }

    boolean removeError(String id) {
        Long r = call(() -> ops.run(Script.REMOVE_ERROR, ScriptOutputType.INTEGER, queueKeys, id), "remove error");
        return r != null && r == 1L;
    }

    void flush() {
        call(() -> ops.del(keys.mainQueueKeys()), "flush");
    }

    void purgeErrors() {
        call(() -> ops.del(keys.errors(), keys.errorOrder()), "purge errors");
    }

    private static <T> T call(Supplier<T> op, String what) {
        try {
            return op.get();
        } catch (RedisException e) {
            throw new RedisBackendException("Redis " + what + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closed = true;
        waitLock.lock();
        try {
            woken.signalAll();
            if (blocking != null) {
                blocking.close();
                blocking = null;
            }
        } finally {
            waitLock.unlock();
        }
    }
}
