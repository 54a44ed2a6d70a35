package dev.actionqueues.spring;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.TaskDescriptor;
import dev.actionqueues.deferred.TaskHandle;
import java.util.Objects;

/**
 * Gives producers a typed handle to enqueue jobs: inject this bean and call
 * {@link #handle(TaskDescriptor)} with the task's descriptor, usually a constant shared with the
 * {@link DeferredTask} bean that runs it (or with the application that runs it, if another process
 * does). A handle works whether or not this application runs the task.
 *
 * <pre>{@code
 * @Service
 * class SignUp {
 *     private final TaskHandle<Welcome> welcome;
 *
 *     SignUp(TaskHandles handles) {
 *         this.welcome = handles.handle(Tasks.WELCOME);
 *     }
 *
 *     void signUp(String email) {
 *         welcome.later(new Welcome(email));
 *     }
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class TaskHandles {

    private final Deferrable deferrable;

    private TaskHandles(Deferrable deferrable) {
        this.deferrable = Objects.requireNonNull(deferrable, "deferrable");
    }

    /**
     * Handles for the tasks of one Deferrable.
     *
     * @param deferrable the Deferrable the handles push to
     * @return the handles
     * @throws NullPointerException if {@code deferrable} is null
     */
    public static TaskHandles of(Deferrable deferrable) {
        return new TaskHandles(deferrable);
    }

    /**
     * Returns a handle to enqueue jobs of a task; the descriptor's producer options (delay, TTL,
     * debouncing) apply to each {@code later}. Cheap: call it once and keep the handle.
     *
     * @param task the task's descriptor
     * @param <A> the arguments' type
     * @return the handle
     * @throws NullPointerException if {@code task} is null
     * @throws IllegalArgumentException if the arguments' type cannot be read from JSON, or the
     *     options ask for something the backend cannot do (see {@link Deferrable#task(TaskDescriptor)})
     */
    public <A> TaskHandle<A> handle(TaskDescriptor<A> task) {
        return deferrable.task(Objects.requireNonNull(task, "task"));
    }

    /** Returns the Deferrable the handles push to. */
    public Deferrable deferrable() {
        return deferrable;
    }

    @Override
    public String toString() {
        return "TaskHandles[" + deferrable + "]";
    }
}
