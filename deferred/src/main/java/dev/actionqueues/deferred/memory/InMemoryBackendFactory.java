package dev.actionqueues.deferred.memory;

import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.BackendFactory;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * Creates backends whose queues live in this JVM's memory. Backends created for the same group by
 * the same factory share their queues, so producers and consumers in one process meet; different
 * factories never share anything.
 *
 * <p>Guarantees: at-least-once delivery <em>within the process</em> (a job whose lease runs out
 * is delivered again, with a greater fencing token), delays, FIFO order of available jobs, and
 * debouncing that is atomic across threads. Blocking claims wait on a condition, without polling.
 * <strong>Nothing survives the JVM: every job, in flight, delayed or in the error queue, is lost
 * when the process stops or dies.</strong>
 *
 * <p>Time (due times, lease expiries, debounce windows) is read from the injected
 * {@link InstantSource}, so tests can drive it with a fake clock; blocking claims still wait in real
 * time, for at most their {@code maxWait}. Thread-safe.
 */
public final class InMemoryBackendFactory implements BackendFactory {

    /** The group names this factory accepts: 1 to 200 letters, digits, {@code _ . -}. */
    public static final Pattern GROUP_PATTERN = Pattern.compile("[A-Za-z0-9_.-]{1,200}");

    private final InstantSource clock;
    private final ConcurrentMap<String, Backend> backends = new ConcurrentHashMap<>();

    private InMemoryBackendFactory(InstantSource clock) {
        this.clock = clock;
    }

    /**
     * A factory on the system clock.
     *
     * @return the factory
     */
    public static InMemoryBackendFactory create() {
        return new InMemoryBackendFactory(InstantSource.system());
    }

    /**
     * A factory on the given clock.
     *
     * @param clock the source of "now" for due times, leases and debounce windows
     * @return the factory
     * @throws NullPointerException if {@code clock} is null
     */
    public static InMemoryBackendFactory create(InstantSource clock) {
        return new InMemoryBackendFactory(Objects.requireNonNull(clock, "clock"));
    }

    /**
     * The backend of {@code group}: the same queues on every call with the same group.
     *
     * @param group a name matching {@link #GROUP_PATTERN}
     * @return the backend
     * @throws NullPointerException if {@code group} is null
     * @throws IllegalArgumentException if {@code group} does not match {@link #GROUP_PATTERN}
     */
    @Override
    public Backend createBackendForGroup(String group) {
        Objects.requireNonNull(group, "group");
        if (!GROUP_PATTERN.matcher(group).matches()) {
            throw new IllegalArgumentException("group must match " + GROUP_PATTERN.pattern());
        }
        return backends.computeIfAbsent(group, g -> {
            MemoryStore store = new MemoryStore(clock);
            return new Backend(g, store.main(), store.errors(), new MemorySagaStore(clock),
                    new MemoryWorkerRegistry(g, clock));
        });
    }

    @Override
    public String toString() {
        return "InMemoryBackendFactory[groups=" + backends.keySet() + "]";
    }
}
