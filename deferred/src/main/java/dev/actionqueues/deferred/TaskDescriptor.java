package dev.actionqueues.deferred;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A task's name, its arguments' type and its options, known to producers and consumers alike:
 * declare it once, as a constant, then {@link Deferrable#task(TaskDescriptor) get a handle} to
 * enqueue jobs (producers, no handler needed) or {@link Deferrable#register(TaskDescriptor, TaskHandler)
 * register a handler} to run them (consumers).
 *
 * <p>The arguments' type may be generic: {@code TaskDescriptor.of("orders.import", new
 * TypeReference<List<Order>>() {})}. Each side reads its own part of the options: producers the
 * delay, TTL and debouncing, consumers the retries ({@code maxAttempts}, {@code retryOn},
 * {@code backoff}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param <A> the arguments' type
 */
public final class TaskDescriptor<A> {

    /** The rule for task names: 1 to 200 of {@code A-Z a-z 0-9 _ . : $ / -}. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:$/-]{1,200}");

    private final String name;
    private final JavaType type;
    private final TaskOptions options;

    private TaskDescriptor(String name, JavaType type, TaskOptions options) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("task name must match " + NAME.pattern() + ", was '" + name + "'");
        }
        this.name = name;
        this.type = Objects.requireNonNull(type, "type");
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * Describes a task whose arguments are a plain class.
     *
     * @param name a stable name, 1 to 200 of {@code A-Z a-z 0-9 _ . : $ / -}; jobs carry it
     * @param type the arguments' type, encoded as JSON with Jackson
     * @param <A> the arguments' type
     * @return the descriptor, with the default options
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is invalid
     */
    public static <A> TaskDescriptor<A> of(String name, Class<A> type) {
        return new TaskDescriptor<>(name, TypeFactory.defaultInstance().constructType(
                Objects.requireNonNull(type, "type")), TaskOptions.DEFAULTS);
    }

    /**
     * Describes a task whose arguments have a generic type, e.g. {@code new TypeReference<List<Item>>() {}}.
     *
     * @param name a stable name, 1 to 200 of {@code A-Z a-z 0-9 _ . : $ / -}; jobs carry it
     * @param type the arguments' type
     * @param <A> the arguments' type
     * @return the descriptor, with the default options
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is invalid
     */
    public static <A> TaskDescriptor<A> of(String name, TypeReference<A> type) {
        return new TaskDescriptor<>(name, TypeFactory.defaultInstance().constructType(
                Objects.requireNonNull(type, "type")), TaskOptions.DEFAULTS);
    }

    /**
     * Describes a task whose arguments' type is a Jackson {@link JavaType}, for types built at run
     * time; the caller vouches that {@code A} matches it.
     *
     * @param name a stable name, 1 to 200 of {@code A-Z a-z 0-9 _ . : $ / -}; jobs carry it
     * @param type the arguments' type
     * @param <A> the arguments' type
     * @return the descriptor, with the default options
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is invalid
     */
    public static <A> TaskDescriptor<A> of(String name, JavaType type) {
        return new TaskDescriptor<>(name, type, TaskOptions.DEFAULTS);
    }

    /**
     * Returns a descriptor like this one with other options.
     *
     * @param options the options
     * @return the new descriptor
     * @throws NullPointerException if {@code options} is null
     */
    public TaskDescriptor<A> withOptions(TaskOptions options) {
        return new TaskDescriptor<>(name, type, options);
    }

    /** Returns the task's name. */
    public String name() {
        return name;
    }

    /** Returns the arguments' type. */
    public JavaType type() {
        return type;
    }

    /** Returns the task's options. */
    public TaskOptions options() {
        return options;
    }

    @Override
    public String toString() {
        return "TaskDescriptor[" + name + ", " + type.toCanonical() + "]";
    }
}
