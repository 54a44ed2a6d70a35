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

/**
 * The tasks of a Deferrable by name: checks a task against what the backend can do and whether its
 * arguments can be read back from JSON, resolves its options against the defaults, and finds a
 * registered task by the name a job carries. Thread-safe: tasks may be registered while jobs run.
 */
final class TaskRegistry {

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

    /** Registers a task to run; see {@link Deferrable#register(TaskDescriptor, TaskHandler)}. */
    <A> RegisteredTask<A> register(TaskDescriptor<A> descriptor, TaskHandler<A> handler) {
        Objects.requireNonNull(handler, "handler");
        RegisteredTask<A> task = resolve(descriptor, handler);
        if (tasks.putIfAbsent(task.name(), task) != null) {
            throw new IllegalArgumentException("a task named '" + task.name() + "' is already registered");
        }
        return task;
    }

    /**
     * Checks and resolves a task that this Deferrable only produces; see
     * {@link Deferrable#task(TaskDescriptor)}. Nothing is registered: jobs of it are not run here.
     */
    <A> RegisteredTask<A> declare(TaskDescriptor<A> descriptor) {
        return resolve(descriptor, null);
    }

    private <A> RegisteredTask<A> resolve(TaskDescriptor<A> descriptor, TaskHandler<A> handler) {
        Objects.requireNonNull(descriptor, "descriptor");
        String name = descriptor.name();
        TaskOptions options = descriptor.options();
        if (options.debounceSupplier() != null && !capabilities.debounce()) {
            throw new IllegalArgumentException("the backend of group '" + group + "' cannot debounce");
        }
        TaskOptions.fixedValue(options.delaySupplier()).ifPresent(d -> TaskOptions.checkMaxDelay(d, capabilities));
        TaskOptions.fixedValue(options.debounceSupplier()).ifPresent(d -> TaskOptions.checkMaxDelay(d, capabilities));
        ArgumentTypes.checkDeserializable(codec.mapper(), descriptor.type(), name);
        RetryPolicy policy = retryPolicy(options.maxAttempts().orElse(defaultMaxAttempts),
                options.retryOn().orElse(defaultRetryOn), options.backoff().orElse(defaultBackoff));
        return new RegisteredTask<>(name, descriptor.type(), handler, options, policy,
                codec.mapper().readerFor(descriptor.type()));
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
