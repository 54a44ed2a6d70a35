package dev.actionqueues.deferred;

import com.fasterxml.jackson.databind.ObjectReader;
import dev.actionqueues.retry.RetryPolicy;

/**
 * A registered task with its options resolved against the Deferrable's defaults: its retry
 * options as one {@link RetryPolicy}, and a reader for its arguments' type. Immutable.
 */
record RegisteredTask<A>(String name, Class<A> type, TaskHandler<A> handler, TaskOptions options,
        RetryPolicy retryPolicy, ObjectReader argsReader) {

    /** Executions allowed per job, counting the first. */
    int maxAttempts() {
        return retryPolicy.maxAttempts();
    }
}
