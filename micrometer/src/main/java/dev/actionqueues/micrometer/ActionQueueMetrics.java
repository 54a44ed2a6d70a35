package dev.actionqueues.micrometer;

import dev.actionqueues.Action;
import dev.actionqueues.ActionQueueListener;
import dev.actionqueues.Phase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Micrometer counters for action queues, fed by an {@link ActionQueueListener}: add this object to
 * each queue's builder ({@code ActionQueue.builder().listener(metrics)}) and {@link #bindTo bind} it
 * to a registry. One object can serve every queue of a kind (say, all checkout queues); the
 * {@code queue} tag is its name. Meters (see {@link MeterNames}):
 * <ul>
 * <li>{@code actionqueues.actions.executed} ({@code queue}, {@code outcome} = {@code success} or
 * {@code failure}): actions whose {@code execute} succeeded, retries included, or failed for good;</li>
 * <li>{@code actionqueues.actions.retries} ({@code queue}, {@code phase} = {@code execute} or
 * {@code rollback}): retries scheduled;</li>
 * <li>{@code actionqueues.actions.rolled_back} ({@code queue}): rollbacks that succeeded;</li>
 * <li>{@code actionqueues.actions.rollback_failed} ({@code queue}): rollbacks that failed for good.</li>
 * </ul>
 * Events before {@link #bindTo} are not counted. Thread-safe.
 */
public final class ActionQueueMetrics implements ActionQueueListener, MeterBinder {

    /** The meters, once bound. */
    private record Meters(Counter executed, Counter failed, Counter executeRetries, Counter rollbackRetries,
            Counter rolledBack, Counter rollbackFailed) {
    }

    private final Tags tags;
    private final AtomicBoolean bound = new AtomicBoolean();
    private volatile Meters meters;

    private ActionQueueMetrics(Tags tags) {
        this.tags = tags;
    }

    /**
     * Metrics for the queues called {@code name}.
     *
     * @param name the {@code queue} tag, not blank; a kind of queue, not one per request
     * @return the binder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static ActionQueueMetrics of(String name) {
        return of(name, Tags.empty());
    }

    /**
     * Metrics for the queues called {@code name}, with extra tags on every meter.
     *
     * @param name the {@code queue} tag, not blank
     * @param extraTags more low-cardinality tags
     * @return the binder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static ActionQueueMetrics of(String name, Iterable<Tag> extraTags) {
        return new ActionQueueMetrics(Tags.of("queue", SequentialExecutorMetrics.checkName(name))
                .and(Objects.requireNonNull(extraTags, "extraTags")));
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
        meters = new Meters(
                counter(registry, MeterNames.ACTIONS_EXECUTED, "outcome", "success"),
                counter(registry, MeterNames.ACTIONS_EXECUTED, "outcome", "failure"),
                counter(registry, MeterNames.ACTIONS_RETRIES, "phase", phaseTag(Phase.EXECUTE)),
                counter(registry, MeterNames.ACTIONS_RETRIES, "phase", phaseTag(Phase.ROLLBACK)),
                counter(registry, MeterNames.ACTIONS_ROLLED_BACK),
                counter(registry, MeterNames.ACTIONS_ROLLBACK_FAILED));
    }

    private Counter counter(MeterRegistry registry, String name, String... keyValues) {
        return Counter.builder(name).tags(tags).tags(keyValues).register(registry);
    }

    private static String phaseTag(Phase phase) {
        return phase.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void actionExecuted(int index, Action action, int attempts) {
        Meters m = meters;
        if (m != null) {
            m.executed().increment();
        }
    }

    @Override
    public void actionFailed(int index, Action action, Throwable cause) {
        Meters m = meters;
        if (m != null) {
            m.failed().increment();
        }
    }

    @Override
    public void retryScheduled(int index, Action action, Phase phase, int attempt, Duration delay, Throwable cause) {
        Meters m = meters;
        if (m != null) {
            (phase == Phase.EXECUTE ? m.executeRetries() : m.rollbackRetries()).increment();
        }
    }

    @Override
    public void actionRolledBack(int index, Action action) {
        Meters m = meters;
        if (m != null) {
            m.rolledBack().increment();
        }
    }

    @Override
    public void rollbackFailed(int index, Action action, Throwable cause) {
        Meters m = meters;
        if (m != null) {
            m.rollbackFailed().increment();
        }
    }

    @Override
    public String toString() {
        return "ActionQueueMetrics" + tags;
    }
}
