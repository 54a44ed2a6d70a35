package dev.actionqueues.deferred.memory;

import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceResult;
import dev.actionqueues.deferred.spi.DebounceStore;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link DebounceStore} in this process's memory, decided by the same rules and code as the
 * in-memory backend's own debouncing: for a broker without a store (SQS) when one process pushes
 * the debounced jobs, or for tests. The state is lost with the process, so a key left pending by a
 * push that never happened is forgotten by a restart; producers in several processes need a shared
 * store ({@code RedisDebounceStore}). Thread-safe.
 */
public final class InMemoryDebounceStore implements DebounceStore {

    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, DebounceTable> byScope = new HashMap<>();

    private InMemoryDebounceStore(InstantSource clock) {
        this.clock = clock;
    }

    /**
     * A store on the system clock.
     *
     * @return the store
     */
    public static InMemoryDebounceStore create() {
        return create(InstantSource.system());
    }

    /**
     * A store on {@code clock}.
     *
     * @param clock the clock of the decisions and of the starts
     * @return the store
     * @throws NullPointerException if {@code clock} is null
     */
    public static InMemoryDebounceStore create(InstantSource clock) {
        return new InMemoryDebounceStore(Objects.requireNonNull(clock, "clock"));
    }

    @Override
    public DebounceResult decide(String scope, Debounce debounce, String jobId) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(debounce, "debounce");
        Objects.requireNonNull(jobId, "jobId");
        lock.lock();
        try {
            return byScope.computeIfAbsent(scope, s -> new DebounceTable()).decide(debounce, jobId, clock.instant());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void started(String scope, String key, String jobId) {
        clear(scope, key, jobId, true);
    }

    @Override
    public void abandoned(String scope, String key, String jobId) {
        clear(scope, key, jobId, false);
    }

    private void clear(String scope, String key, String jobId, boolean started) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(jobId, "jobId");
        lock.lock();
        try {
            DebounceTable table = byScope.get(Objects.requireNonNull(scope, "scope"));
            if (table != null) {
                table.clearPending(key, jobId, started ? clock.instant() : null);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush(String scope) {
        lock.lock();
        try {
            byScope.remove(Objects.requireNonNull(scope, "scope"));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "InMemoryDebounceStore";
    }
}
