package dev.actionqueues.deferred;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.actionqueues.retry.RetryPolicy;

/**
 * A task with its options resolved against the Deferrable's defaults: its retry options as one
 * {@link RetryPolicy}, and a reader for its arguments' type. The handler is null for a task
 * declared by a producer only ({@link Deferrable#task(TaskDescriptor)}). Immutable.
 */
record RegisteredTask<A>(String name, JavaType type, TaskHandler<A> handler, TaskOptions options,
        RetryPolicy retryPolicy, ObjectReader argsReader) {

    /** Executions allowed per job, counting the first. */
    int maxAttempts() {
        return retryPolicy.maxAttempts();
    }
}
