package dev.actionqueues.deferred;

import com.fasterxml.jackson.databind.ObjectReader;
import dev.actionqueues.deferred.spi.QueueCapabilities;
import dev.actionqueues.retry.Backoff;
import dev.actionqueues.retry.RetryPolicy;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * The tasks of a Deferrable by name: checks a registration against the name rules and what the
 * backend can do, resolves its options against the defaults, and finds a task by the name a job
 * carries. Thread-safe: tasks may be registered while jobs run.
 */
final class TaskRegistry {

    private static final Pattern TASK_NAME = Pattern.compile("[A-Za-z0-9_.:$/-]{1,200}");

    private final ConcurrentMap<String, RegisteredTask<?>> tasks = new ConcurrentHashMap<>();
    private final String group;
    private final QueueCapabilities capabilities;
    private final Codec codec;
    private final List<Class<? extends Throwable>> defaultRetryOn;
    private final int defaultMaxAttempts;
    private final Backoff defaultBackoff;

    TaskRegistry(String group, QueueCapabilities capabilities, Codec codec,
            List<Class<? extends Throwable>> defaultRetryOn, int defaultMaxAttempts, Backoff defaultBackoff) {
        this.group = group;
        this.capabilities = capabilities;
        this.codec = codec;
        this.defaultRetryOn = List.copyOf(defaultRetryOn);
        this.defaultMaxAttempts = defaultMaxAttempts;
        this.defaultBackoff = defaultBackoff;
    }

    /** Registers a task; see {@link Deferrable#register(String, Class, TaskOptions, TaskHandler)}. */
    <A> RegisteredTask<A> register(String name, Class<A> type, TaskOptions options, TaskHandler<A> handler) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        if (!TASK_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("task name must match " + TASK_NAME.pattern() + ", was '" + name + "'");
        }
        if (options.debounceSupplier() != null && !capabilities.debounce()) {
            throw new IllegalArgumentException("the backend of group '" + group + "' cannot debounce");
        }
        TaskOptions.fixedValue(options.delaySupplier()).ifPresent(d -> TaskOptions.checkMaxDelay(d, capabilities));
        TaskOptions.fixedValue(options.debounceSupplier()).ifPresent(d -> TaskOptions.checkMaxDelay(d, capabilities));
        RetryPolicy policy = retryPolicy(options.maxAttempts().orElse(defaultMaxAttempts),
                options.retryOn().orElse(defaultRetryOn), options.backoff().orElse(defaultBackoff));
        RegisteredTask<A> task = new RegisteredTask<>(name, type, handler, options, policy,
                codec.mapper().readerFor(type));
        if (tasks.putIfAbsent(name, task) != null) {
            throw new IllegalArgumentException("a task named '" + name + "' is already registered");
        }
        return task;
    }

    /**
     * The one retry decision of a task: {@code maxAttempts} executions in all, {@code retryOn}
     * retried (no classes: nothing is), delays from {@code backoff}.
     */
    static RetryPolicy retryPolicy(int maxAttempts, List<Class<? extends Throwable>> retryOn, Backoff backoff) {
        RetryPolicy.Builder b = RetryPolicy.builder().maxAttempts(maxAttempts).backoff(backoff);
        if (retryOn.isEmpty()) {
            b.abortOn(Throwable.class);
        } else {
            retryOn.forEach(b::retryOn);
        }
        return b.build();
    }

    /** The task registered under {@code name}, or null. */
    RegisteredTask<?> get(String name) {
        return tasks.get(name);
    }

    /** The reader for the arguments of the task registered under {@code name}, or null. */
    ObjectReader argsReader(String name) {
        RegisteredTask<?> task = tasks.get(name);
        return task == null ? null : task.argsReader();
    }

    /** The names registered so far. */
    Set<String> names() {
        return Set.copyOf(tasks.keySet());
    }
}
