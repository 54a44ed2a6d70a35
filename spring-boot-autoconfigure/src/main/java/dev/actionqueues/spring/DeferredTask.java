package dev.actionqueues.spring;

import dev.actionqueues.deferred.TaskDescriptor;
import dev.actionqueues.deferred.TaskHandler;
import java.util.Objects;

/**
 * A task this application runs, declared as a bean: the auto-configuration registers every
 * {@code DeferredTask} bean with the {@link dev.actionqueues.deferred.Deferrable} once all singletons
 * exist, before the worker starts. The descriptor gives the task's name, argument type and options
 * (retries, backoff, delay, TTL, debouncing); producers enqueue with
 * {@link TaskHandles#handle(TaskDescriptor)} and the same descriptor.
 *
 * <pre>{@code
 * static final TaskDescriptor<Welcome> WELCOME = TaskDescriptor.of("send-welcome", Welcome.class);
 *
 * @Bean
 * DeferredTask<Welcome> sendWelcome(Mailer mailer) {
 *     return DeferredTask.of(WELCOME, welcome -> mailer.send(welcome.email()));
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe if the handler is.
 *
 * @param <A> the type of the task's arguments
 */
public final class DeferredTask<A> {

    private final TaskDescriptor<A> descriptor;
    private final TaskHandler<A> handler;

    private DeferredTask(TaskDescriptor<A> descriptor, TaskHandler<A> handler) {
        this.descriptor = Objects.requireNonNull(descriptor, "descriptor");
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * A task with a descriptor (name, argument type, options) and the code its jobs run.
     *
     * @param descriptor the task's name, argument type and options
     * @param handler the code each job runs; may be called concurrently and more than once per job
     * @param <A> the arguments' type
     * @return the task
     * @throws NullPointerException if an argument is null
     */
    public static <A> DeferredTask<A> of(TaskDescriptor<A> descriptor, TaskHandler<A> handler) {
        return new DeferredTask<>(descriptor, handler);
    }

    /**
     * A task with default options: {@code of(TaskDescriptor.of(name, type), handler)}.
     *
     * @param name the task's name
     * @param type the arguments' type
     * @param handler the code each job runs
     * @param <A> the arguments' type
     * @return the task
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is not a valid task name
     */
    public static <A> DeferredTask<A> of(String name, Class<A> type, TaskHandler<A> handler) {
        return new DeferredTask<>(TaskDescriptor.of(name, type), handler);
    }

    /** Returns the task's name. */
    public String name() {
        return descriptor.name();
    }

    /** Returns the task's name, argument type and options. */
    public TaskDescriptor<A> descriptor() {
        return descriptor;
    }

    /** Returns the code each job of the task runs. */
    public TaskHandler<A> handler() {
        return handler;
    }

    @Override
    public String toString() {
        return "DeferredTask[" + descriptor + "]";
    }
}
