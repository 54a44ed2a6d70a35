package dev.actionqueues;

import java.time.Duration;

/**
 * Observes an {@link ActionQueue} at work, for logging and metrics. Every method has an empty
 * default, so implement only what you need. Listeners are called on the thread running the queue;
 * an exception thrown by a listener is logged at WARN and otherwise ignored. Implementations
 * shared between queues running concurrently must be thread-safe.
 */
public interface ActionQueueListener {

    /**
     * Before each call of {@code execute} or {@code rollback}, retries included.
     *
     * @param index the action's position, from 0
     * @param action the action
     * @param phase which method is called
     * @param attempt 1 for the first call, 2 for the first retry, and so on
     */
    default void actionStarted(int index, Action action, Phase phase, int attempt) {
    }

    /**
     * After a failed call that will be retried, before the wait.
     *
     * @param index the action's position, from 0
     * @param action the action
     * @param phase which method failed
     * @param attempt the attempt that failed, from 1
     * @param delay how long the queue will wait before the next call
     * @param cause what the call threw ({@link ActionRetryException} or an exception a policy retries)
     */
    default void retryScheduled(int index, Action action, Phase phase, int attempt, Duration delay, Throwable cause) {
    }

    /**
     * After an action's {@code execute} succeeded, before the next action starts.
     *
     * @param index the action's position, from 0
     * @param action the action
     * @param attempts the calls it took, the successful one included
     */
    default void actionExecuted(int index, Action action, int attempts) {
    }

    /**
     * When an action's {@code execute} has failed for good; {@code execute()} throws next.
     *
     * @param index the action's position, from 0
     * @param action the action
     * @param cause the exception it threw last
     */
    default void actionFailed(int index, Action action, Throwable cause) {
    }

    /**
     * After an action's {@code rollback} succeeded.
     *
     * @param index the action's position, from 0
     * @param action the action
     */
    default void actionRolledBack(int index, Action action) {
    }

    /**
     * After an action's {@code rollback} failed for good; the queue goes on with earlier actions.
     *
     * @param index the action's position, from 0
     * @param action the action
     * @param cause the exception it threw last
     */
    default void rollbackFailed(int index, Action action, Throwable cause) {
    }
}
