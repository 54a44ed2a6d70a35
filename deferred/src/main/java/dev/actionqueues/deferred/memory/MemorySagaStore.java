package dev.actionqueues.deferred.memory;

import dev.actionqueues.deferred.spi.SagaRecord;
import dev.actionqueues.deferred.spi.SagaStore;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Saga journals in memory, for one JVM: a map under one lock, leases on the factory's clock.
 * Everything is lost when the JVM stops. Thread-safe.
 */
final class MemorySagaStore implements SagaStore {

    private final InstantSource clock;
    private final Map<String, Entry> sagas = new HashMap<>();

    private static final class Entry {
        final String id;
        final String name;
        String status;
        String journal;
        long token;
        Instant leaseUntil;
        boolean cancelRequested;
        Instant updatedAt;

        Entry(String id, String name, String status, String journal, Instant now) {
            this.id = id;
            this.name = name;
            this.status = status;
            this.journal = journal;
            this.updatedAt = now;
        }

        SagaRecord record() {
            return new SagaRecord(id, name, status, journal, token, cancelRequested, updatedAt);
        }
    }

    MemorySagaStore(InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized boolean create(String id, String name, String status, String journal) {
        Objects.requireNonNull(id, "id");
        if (sagas.containsKey(id)) {
            return false;
        }
        sagas.put(id, new Entry(id, Objects.requireNonNull(name, "name"), Objects.requireNonNull(status, "status"),
                Objects.requireNonNull(journal, "journal"), clock.instant()));
        return true;
    }

    @Override
    public synchronized Optional<SagaRecord> acquire(String id, Duration lease) {
        Entry e = sagas.get(Objects.requireNonNull(id, "id"));
        Instant now = clock.instant();
        if (e == null || e.leaseUntil != null && e.leaseUntil.isAfter(now)) {
            return Optional.empty();
        }
        e.token++;
        e.leaseUntil = now.plus(lease);
        return Optional.of(e.record());
    }

    @Override
    public synchronized Write update(String id, long token, String status, String journal, Duration lease) {
        Entry e = sagas.get(Objects.requireNonNull(id, "id"));
        if (e == null || e.token != token || e.leaseUntil == null) {
            return Write.STALE;
        }
        Instant now = clock.instant();
        e.status = Objects.requireNonNull(status, "status");
        e.journal = Objects.requireNonNull(journal, "journal");
        e.leaseUntil = lease.isZero() ? null : now.plus(lease);
        e.updatedAt = now;
        return e.cancelRequested ? Write.WRITTEN_CANCEL_REQUESTED : Write.WRITTEN;
    }

    @Override
    public synchronized void release(String id, long token) {
        Entry e = sagas.get(Objects.requireNonNull(id, "id"));
        if (e != null && e.token == token) {
            e.leaseUntil = null;
        }
    }

    @Override
    public synchronized boolean requestCancel(String id) {
        Entry e = sagas.get(Objects.requireNonNull(id, "id"));
        if (e == null) {
            return false;
        }
        e.cancelRequested = true;
        return true;
    }

    @Override
    public synchronized boolean cancelRequested(String id) {
        Entry e = sagas.get(Objects.requireNonNull(id, "id"));
        return e != null && e.cancelRequested;
    }

    @Override
    public synchronized Optional<SagaRecord> find(String id) {
        Entry e = sagas.get(Objects.requireNonNull(id, "id"));
        return e == null ? Optional.empty() : Optional.of(e.record());
    }

    @Override
    public synchronized List<SagaRecord> list(String status, int offset, int limit) {
        if (offset < 0 || limit < 1) {
            throw new IllegalArgumentException("offset must be >= 0 and limit >= 1, were " + offset + ", " + limit);
        }
        return sagas.values().stream().filter(e -> status == null || e.status.equals(status))
                .sorted(Comparator.comparing((Entry e) -> e.updatedAt).reversed().thenComparing(e -> e.id))
                .skip(offset).limit(limit).map(Entry::record).toList();
    }

    @Override
    public synchronized int removeUpdatedBefore(String name, List<String> statuses, Instant cutoff, int max) {
        int removed = 0;
        for (Iterator<Entry> it = sagas.values().iterator(); it.hasNext() && removed < max;) {
            Entry e = it.next();
            if (e.name.equals(name) && statuses.contains(e.status) && e.updatedAt.isBefore(cutoff)) {
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    @Override
    public synchronized String toString() {
        return "MemorySagaStore[" + sagas.size() + " sagas]";
    }
}
