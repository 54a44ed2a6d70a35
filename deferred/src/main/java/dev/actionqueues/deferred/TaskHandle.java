package dev.actionqueues.deferred;

import java.util.Objects;

/**
 * A registered task, used by producers to defer calls: {@link #later(Object)} pushes a job that a
 * consumer of the same {@link Deferrable} (or of one over the same backend, with the same task
 * registered) runs. Obtain one from {@link Deferrable#register}. Immutable and thread-safe.
 *
 * @param <A> the type of the task's arguments
 */
public final class TaskHandle<A> {

    private final JobProducer producer;
    private final RegisteredTask<A> task;

    TaskHandle(JobProducer producer, RegisteredTask<A> task) {
        this.producer = producer;
        this.task = task;
    }

    /** Returns the task's stable name, as stored in its jobs. */
    public String name() {
        return task.name();
    }

    /**
     * Defers a call: encodes {@code arguments} as JSON and pushes a job, delayed or debounced as the
     * task's options say. With debouncing, the key is the task name, the group and the canonical
     * JSON of the arguments.
     *
     * @param arguments the arguments, serialisable with the Deferrable's Jackson mapper; may be null
     * @return the id of the job that will serve this call, and whether the call was debounced away
     * @throws IllegalArgumentException if the arguments do not serialise, the encoded job exceeds
     *     the payload limit (checked before any I/O), or the call's delay, debounce window or TTL
     *     is invalid (a delay or window longer than the TTL, or longer than the backend can hold)
     * @throws dev.actionqueues.deferred.BackendException if the backend failed to store the job
     */
    public LaterResult later(A arguments) {
        return producer.later(task, arguments, null);
    }

    /**
     * Defers a call debounced under an explicit key instead of the arguments: calls of this task
     * in this group with the same key collapse, whatever their arguments; the run carries the
     * arguments of the call that pushed the job (the first of the collapsed calls).
     *
     * @param arguments the arguments; may be null
     * @param debounceKey the key, not blank
     * @return the id of the job that will serve this call, and whether the call was debounced away
     * @throws IllegalStateException if the task has no debounce window
     * @throws IllegalArgumentException as for {@link #later(Object)}, or if the key is blank
     * @throws dev.actionqueues.deferred.BackendException if the backend failed to store the job
     */
    public LaterResult later(A arguments, String debounceKey) {
        Objects.requireNonNull(debounceKey, "debounceKey");
        if (debounceKey.isBlank()) {
            throw new IllegalArgumentException("debounceKey must not be blank");
        }
        if (task.options().debounceSupplier() == null) {
            throw new IllegalStateException("task '" + task.name() + "' has no debounce window");
        }
        return producer.later(task, arguments, debounceKey);
    }

    @Override
    public String toString() {
        return "TaskHandle[" + task.name() + "]";
    }
}
