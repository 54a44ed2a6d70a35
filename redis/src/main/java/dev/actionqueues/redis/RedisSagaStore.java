package dev.actionqueues.redis;

import dev.actionqueues.deferred.SagaStatus;
import dev.actionqueues.deferred.spi.CallCombiner;
import dev.actionqueues.deferred.spi.SagaRecord;
import dev.actionqueues.deferred.spi.SagaStore;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A group's saga journals in Redis: a hash per saga ({@code <prefix>:{<group>}:saga:<id>}: name,
 * status, journal, token, lease expiry, cancel flag, last update), a sorted set of the group's
 * sagas by last update ({@code …:sagas}) and one per status ({@code …:sagas:<STATUS>}). Every call
 * is one Lua script, on the server's clock; all keys share the group's hash tag (the list and
 * remove scripts reach saga hashes by name within that slot). Statuses are those of
 * {@link SagaStatus}. Thread-safe.
 */
final class RedisSagaStore implements SagaStore {

    private static final List<String> STATUSES = Arrays.stream(SagaStatus.values()).map(Enum::name).toList();

    private final RedisOps ops;
    private final Supplier<Boolean> closed;
    private final String hashPrefix;
    private final String all;
    private final String[] statusKeys;
    private final CallCombiner<Update, Write> updates = new CallCombiner<>(32, this::updateAll);

    RedisSagaStore(RedisKeys keys, RedisOps ops, Supplier<Boolean> closed) {
        this.ops = ops;
        this.closed = closed;
        String base = keys.prefix() + ":{" + keys.group() + "}:";
        this.hashPrefix = base + "saga:";
        this.all = base + "sagas";
        this.statusKeys = STATUSES.stream().map(s -> all + ":" + s).toArray(String[]::new);
    }

    @Override
    public boolean create(String id, String name, String status, String journal) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(journal, "journal");
        Long r = call(() -> ops.run(Script.SAGA_CREATE, ScriptOutputType.INTEGER, sagaKeys(id), id, name, status,
                journal, index(status)), "saga create");
        return r != null && r == 1L;
    }

    @Override
    public Optional<SagaRecord> acquire(String id, Duration lease) {
        List<Object> r = call(() -> ops.run(Script.SAGA_ACQUIRE, ScriptOutputType.MULTI,
                new String[] {hash(id)}, Long.toString(lease.toMillis())), "saga acquire");
        return r == null || r.isEmpty() ? Optional.empty() : Optional.of(record(id, r, 0));
    }

    /**
     * One script call for this write and those other threads make meanwhile (a worker runs many
     * sagas at once, each writing its journal before and after every step).
     */
    @Override
    public Write update(String id, long token, String status, String journal, Duration lease) {
        Objects.requireNonNull(journal, "journal");
        return updates.submit(new Update(Objects.requireNonNull(id, "id"), token, status, index(status), journal,
                lease.toMillis()));
    }

    /** One journal write, for the combiner. */
    private record Update(String id, long token, String status, String statusIndex, String journal, long leaseMs) {
    }

    private List<Write> updateAll(List<Update> batch) {
        String[] keys = new String[1 + statusKeys.length + batch.size()];
        keys[0] = all;
        System.arraycopy(statusKeys, 0, keys, 1, statusKeys.length);
        String[] args = new String[6 * batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            Update u = batch.get(i);
            keys[1 + statusKeys.length + i] = hash(u.id());
            args[6 * i] = u.id();
            args[6 * i + 1] = Long.toString(u.token());
            args[6 * i + 2] = u.status();
            args[6 * i + 3] = u.statusIndex();
            args[6 * i + 4] = u.journal();
            args[6 * i + 5] = Long.toString(u.leaseMs());
        }
        List<Object> r = call(() -> ops.run(Script.SAGA_UPDATE, ScriptOutputType.MULTI, keys, args), "saga update");
        List<Write> out = new ArrayList<>(batch.size());
        for (Object code : r) {
            long c = (Long) code;
            out.add(c == 0L ? Write.STALE : c == 2L ? Write.WRITTEN_CANCEL_REQUESTED : Write.WRITTEN);
        }
        return out;
    }

    @Override
    public void release(String id, long token) {
        call(() -> ops.run(Script.SAGA_RELEASE, ScriptOutputType.INTEGER, new String[] {hash(id)},
                Long.toString(token)), "saga release");
    }

    @Override
    public boolean requestCancel(String id) {
        Long r = call(() -> ops.run(Script.SAGA_CANCEL, ScriptOutputType.INTEGER, new String[] {hash(id)}),
                "saga cancel");
        return r != null && r == 1L;
    }

    @Override
    public boolean cancelRequested(String id) {
        return find(id).map(SagaRecord::cancelRequested).orElse(false);
    }

    @Override
    public Optional<SagaRecord> find(String id) {
        List<Object> r = call(() -> ops.run(Script.SAGA_GET, ScriptOutputType.MULTI, new String[] {hash(id)}),
                "saga find");
        if (r == null || r.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(record(id, r, 0));
    }

    @Override
    public List<SagaRecord> list(String status, int offset, int limit) {
        if (offset < 0 || limit < 1) {
            throw new IllegalArgumentException("offset must be >= 0 and limit >= 1, were " + offset + ", " + limit);
        }
        String key = status == null ? all : statusKeys[Integer.parseInt(index(status)) - 1];
        List<Object> r = call(() -> ops.run(Script.SAGA_LIST, ScriptOutputType.MULTI, new String[] {key},
                Integer.toString(offset), Integer.toString(limit), hashPrefix), "saga list");
        List<SagaRecord> out = new ArrayList<>();
        for (int i = 0; i + 6 < r.size(); i += 7) {
            out.add(record((String) r.get(i), r, i + 1));
        }
        return out;
    }

    @Override
    public int removeUpdatedBefore(String name, List<String> statuses, Instant cutoff, int max) {
        String[] keys = new String[1 + statuses.size()];
        keys[0] = all;
        for (int i = 0; i < statuses.size(); i++) {
            keys[i + 1] = statusKeys[Integer.parseInt(index(statuses.get(i))) - 1];
        }
        Long r = call(() -> ops.run(Script.SAGA_REMOVE, ScriptOutputType.INTEGER, keys, name,
                Long.toString(cutoff.toEpochMilli()), Integer.toString(max), hashPrefix), "saga remove");
        return r == null ? 0 : r.intValue();
    }

    private String hash(String id) {
        return hashPrefix + Objects.requireNonNull(id, "id");
    }

    private String[] sagaKeys(String id) {
        String[] keys = new String[2 + statusKeys.length];
        keys[0] = hash(id);
        keys[1] = all;
        System.arraycopy(statusKeys, 0, keys, 2, statusKeys.length);
        return keys;
    }

    /** The 1-based index of a status among the key list's. */
    private static String index(String status) {
        int i = STATUSES.indexOf(Objects.requireNonNull(status, "status"));
        if (i < 0) {
            throw new IllegalArgumentException("not a saga status: " + status);
        }
        return Integer.toString(i + 1);
    }

    /** name, status, journal, token, cancel, updated from {@code from}. */
    private static SagaRecord record(String id, List<Object> r, int from) {
        return new SagaRecord(id, (String) r.get(from), (String) r.get(from + 1), (String) r.get(from + 2),
                Long.parseLong((String) r.get(from + 3)), "1".equals(r.get(from + 4)),
                Instant.ofEpochMilli(Long.parseLong((String) r.get(from + 5))));
    }

    private <T> T call(Supplier<T> op, String what) {
        if (closed.get()) {
            throw new IllegalStateException("this Redis saga store (" + all + ") is closed");
        }
        return RedisOps.call(op, what);
    }

    @Override
    public String toString() {
        return "RedisSagaStore[" + all + "]";
    }
}
