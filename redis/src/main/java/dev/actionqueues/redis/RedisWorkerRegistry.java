package dev.actionqueues.redis;

import dev.actionqueues.deferred.spi.WorkerLease;
import dev.actionqueues.deferred.spi.WorkerRecord;
import dev.actionqueues.deferred.spi.WorkerRegistry;
import dev.actionqueues.deferred.spi.WorkerStatus;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A group's worker heartbeats in Redis: a hash per worker ({@code <prefix>:{<group>}:worker:<name>}:
 * name, host, pid, concurrency, in flight, started, last seen, leases) that expires unless the next
 * heartbeat renews it, and a sorted set of the group's workers by last seen ({@code …:workers}).
 * Every call is one Lua script on the server's clock; all keys share the group's hash tag (the list
 * script reaches the hashes by name within that slot). Thread-safe.
 */
final class RedisWorkerRegistry implements WorkerRegistry {

    private static final int FIELDS = 8;

    private final RedisOps ops;
    private final Supplier<Boolean> closed;
    private final String group;
    private final String hashPrefix;
    private final String all;

    RedisWorkerRegistry(RedisKeys keys, RedisOps ops, Supplier<Boolean> closed) {
        this.ops = ops;
        this.closed = closed;
        this.group = keys.group();
        String base = keys.prefix() + ":{" + keys.group() + "}:";
        this.hashPrefix = base + "worker:";
        this.all = base + "workers";
    }

    @Override
    public void heartbeat(WorkerStatus status, Duration expireAfter) {
        Objects.requireNonNull(status, "status");
        long ttl = millis(expireAfter, "expireAfter");
        call(() -> ops.run(Script.WORKER_BEAT, ScriptOutputType.INTEGER, keys(status.name()), status.name(),
                status.host(), Long.toString(status.pid()), Integer.toString(status.concurrency()),
                Integer.toString(status.inFlight()), encode(status.leases()), Long.toString(ttl)), "worker heartbeat");
    }

    @Override
    public List<WorkerRecord> list(Duration seenWithin) {
        return select("live", millis(seenWithin, "seenWithin"));
    }

    @Override
    public List<WorkerRecord> silent(Duration silentFor) {
        return select("silent", millis(silentFor, "silentFor"));
    }

    @Override
    public Optional<WorkerRecord> takeOver(String name, Duration silentFor) {
        Objects.requireNonNull(name, "name");
        long ms = millis(silentFor, "silentFor");
        List<Object> r = call(() -> ops.run(Script.WORKER_TAKE, ScriptOutputType.MULTI, keys(name), name,
                Long.toString(ms)), "worker take-over");
        return r == null || r.isEmpty() ? Optional.empty() : Optional.of(record(r, 0));
    }

    @Override
    public boolean remove(String name) {
        Objects.requireNonNull(name, "name");
        Long r = call(() -> ops.run(Script.WORKER_REMOVE, ScriptOutputType.INTEGER, keys(name), name),
                "worker remove");
        return r != null && r == 1L;
    }

    private List<WorkerRecord> select(String mode, long ms) {
        List<Object> r = call(() -> ops.run(Script.WORKER_LIST, ScriptOutputType.MULTI, new String[] {all},
                hashPrefix, mode, Long.toString(ms)), "worker list");
        List<WorkerRecord> out = new ArrayList<>();
        for (int i = 0; r != null && i + FIELDS <= r.size(); i += FIELDS) {
            out.add(record(r, i));
        }
        return out;
    }

    private String[] keys(String name) {
        return new String[] {hashPrefix + name, all};
    }

    private WorkerRecord record(List<Object> r, int at) {
        return new WorkerRecord(str(r, at), str(r, at + 1), Long.parseLong(str(r, at + 2)), group,
                Integer.parseInt(str(r, at + 3)), Integer.parseInt(str(r, at + 4)),
                Instant.ofEpochMilli(Long.parseLong(str(r, at + 5))), Instant.ofEpochMilli(Long.parseLong(str(r, at + 6))),
                decode(str(r, at + 7)));
    }

    private static String str(List<Object> r, int i) {
        Object o = r.get(i);
        return o == null ? "" : o.toString();
    }

    /** Each lease as {@code <token>,<receipt length>,<id length>:<receipt><id>}, one after another. */
    static String encode(List<WorkerLease> leases) {
        StringBuilder sb = new StringBuilder();
        for (WorkerLease l : leases) {
            sb.append(l.fencingToken()).append(',').append(l.receipt().length()).append(',')
                    .append(l.jobId().length()).append(':').append(l.receipt()).append(l.jobId());
        }
        return sb.toString();
    }

    static List<WorkerLease> decode(String s) {
        List<WorkerLease> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            int c1 = s.indexOf(',', i);
            int c2 = s.indexOf(',', c1 + 1);
            int colon = s.indexOf(':', c2 + 1);
            long token = Long.parseLong(s.substring(i, c1));
            int receiptLength = Integer.parseInt(s.substring(c1 + 1, c2));
            int idLength = Integer.parseInt(s.substring(c2 + 1, colon));
            int start = colon + 1;
            String receipt = s.substring(start, start + receiptLength);
            String id = s.substring(start + receiptLength, start + receiptLength + idLength);
            out.add(new WorkerLease(id, token, receipt));
            i = start + receiptLength + idLength;
        }
        return out;
    }

    private static long millis(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
        return Math.max(1, d.toMillis());
    }

    private <T> T call(Supplier<T> op, String what) {
        if (closed.get()) {
            throw new IllegalStateException("the RedisBackendFactory of this worker registry is closed");
        }
        return RedisOps.call(op, what);
    }

    @Override
    public String toString() {
        return "RedisWorkerRegistry[" + all + "]";
    }
}
