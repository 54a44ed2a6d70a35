package dev.actionqueues.deferred.memory;

import dev.actionqueues.deferred.spi.WorkerRecord;
import dev.actionqueues.deferred.spi.WorkerRegistry;
import dev.actionqueues.deferred.spi.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A group's worker heartbeats in this JVM's memory, on the factory's clock: a map by name under a
 * lock; expired records are dropped as they are met. Thread-safe.
 */
final class MemoryWorkerRegistry implements WorkerRegistry {

    /** A record and when it expires. */
    private record Kept(WorkerRecord record, Instant expiresAt) {
    }

    private final String group;
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<String, Kept> workers = new TreeMap<>();

    MemoryWorkerRegistry(String group, InstantSource clock) {
        this.group = group;
        this.clock = clock;
    }

    @Override
    public void heartbeat(WorkerStatus status, Duration expireAfter) {
        Objects.requireNonNull(status, "status");
        positive(expireAfter, "expireAfter");
        lock.lock();
        try {
            Instant now = clock.instant();
            Kept old = live(status.name(), now);
            Instant started = old == null ? now : old.record().startedAt();
            workers.put(status.name(), new Kept(new WorkerRecord(status.name(), status.host(), status.pid(), group,
                    status.concurrency(), status.inFlight(), started, now, status.leases()), now.plus(expireAfter)));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<WorkerRecord> list(Duration seenWithin) {
        positive(seenWithin, "seenWithin");
        return select(now -> r -> r.lastSeen().isAfter(now.minus(seenWithin)));
    }

    @Override
    public List<WorkerRecord> silent(Duration silentFor) {
        positive(silentFor, "silentFor");
        return select(now -> r -> !r.lastSeen().isAfter(now.minus(silentFor)));
    }

    @Override
    public Optional<WorkerRecord> takeOver(String name, Duration silentFor) {
        Objects.requireNonNull(name, "name");
        positive(silentFor, "silentFor");
        lock.lock();
        try {
            Instant now = clock.instant();
            Kept k = live(name, now);
            if (k == null || k.record().lastSeen().isAfter(now.minus(silentFor))) {
                return Optional.empty();
            }
            workers.remove(name);
            return Optional.of(k.record());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean remove(String name) {
        Objects.requireNonNull(name, "name");
        lock.lock();
        try {
            return live(name, clock.instant()) != null && workers.remove(name) != null;
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: the kept record of {@code name}, dropping it if expired. */
    private Kept live(String name, Instant now) {
        Kept k = workers.get(name);
        if (k != null && !k.expiresAt().isAfter(now)) {
            workers.remove(name);
            return null;
        }
        return k;
    }

    private List<WorkerRecord> select(Function<Instant, Predicate<WorkerRecord>> filter) {
        lock.lock();
        try {
            Instant now = clock.instant();
            workers.values().removeIf(k -> !k.expiresAt().isAfter(now));
            Predicate<WorkerRecord> p = filter.apply(now);
            List<WorkerRecord> out = new ArrayList<>();
            for (Kept k : workers.values()) {
                if (p.test(k.record())) {
                    out.add(k.record());
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    private static void positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
    }

    @Override
    public String toString() {
        return "MemoryWorkerRegistry[group=" + group + "]";
    }
}
