package dev.actionqueues.micrometer;

import dev.actionqueues.sequential.SequentialExecutorListener;
import dev.actionqueues.sequential.Task;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Micrometer counters for a sequential executor, fed by a {@link SequentialExecutorListener}: set
 * this object as the executor's listener ({@code SequentialExecutor.builder().listener(metrics)})
 * and {@link #bindTo bind} it to a registry. Meters (see {@link MeterNames}), tagged
 * {@code executor} with its name:
 * <ul>
 * <li>{@code actionqueues.sequential.attempts}: attempts started, retries included;</li>
 * <li>{@code actionqueues.sequential.succeeded}: tasks that succeeded;</li>
 * <li>{@code actionqueues.sequential.gave_up}: tasks given up after their last allowed attempt.</li>
 * </ul>
 * Events before {@link #bindTo} are not counted. Thread-safe.
 */
public final class SequentialExecutorMetrics implements SequentialExecutorListener, MeterBinder {

    private record Meters(Counter attempts, Counter succeeded, Counter gaveUp) {
    }

    private final Tags tags;
    private final AtomicBoolean bound = new AtomicBoolean();
    private volatile Meters meters;

    private SequentialExecutorMetrics(Tags tags) {
        this.tags = tags;
    }

    /**
     * Metrics for the executor called {@code name}.
     *
     * @param name the {@code executor} tag, not blank
     * @return the binder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static SequentialExecutorMetrics of(String name) {
        return of(name, Tags.empty());
    }

    /**
     * Metrics for the executor called {@code name}, with extra tags on every meter.
     *
     * @param name the {@code executor} tag, not blank
     * @param extraTags more low-cardinality tags
     * @return the binder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static SequentialExecutorMetrics of(String name, Iterable<Tag> extraTags) {
        return new SequentialExecutorMetrics(Tags.of("executor", checkName(name))
                .and(Objects.requireNonNull(extraTags, "extraTags")));
    }

    static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        return name;
    }

    /**
     * Registers the counters in {@code registry} and starts counting.
     *
     * @param registry the registry
     * @throws NullPointerException if {@code registry} is null
     * @throws IllegalStateException if this object is already bound
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (!bound.compareAndSet(false, true)) {
            throw new IllegalStateException("already bound to a registry; bind a CompositeMeterRegistry for several");
        }
        meters = new Meters(Counter.builder(MeterNames.SEQUENTIAL_ATTEMPTS).tags(tags).register(registry),
                Counter.builder(MeterNames.SEQUENTIAL_SUCCEEDED).tags(tags).register(registry),
                Counter.builder(MeterNames.SEQUENTIAL_GAVE_UP).tags(tags).register(registry));
    }

    @Override
    public void attemptStarted(Task task, int attempt) {
        Meters m = meters;
        if (m != null) {
            m.attempts().increment();
        }
    }

    @Override
    public void succeeded(Task task, int attempts) {
        Meters m = meters;
        if (m != null) {
            m.succeeded().increment();
        }
    }

    @Override
    public void gaveUp(Task task, int attempts, Throwable lastFailure) {
        Meters m = meters;
        if (m != null) {
            m.gaveUp().increment();
        }
    }

    @Override
    public String toString() {
        return "SequentialExecutorMetrics" + tags;
    }
}
