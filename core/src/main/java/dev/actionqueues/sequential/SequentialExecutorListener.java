package dev.actionqueues.sequential;

import java.time.Duration;

/**
 * Observes a {@link SequentialExecutor}: attempts, failures with the delay before the next attempt,
 * successes and give-ups. Every method has an empty default. Called on the executor's thread; a
 * listener that throws is logged at WARN and ignored.
 */
public interface SequentialExecutorListener {

    /**
     * Before each attempt.
     *
     * @param task the task
     * @param attempt 1 for the first attempt
     */
    default void attemptStarted(Task task, int attempt) {
    }

    /**
     * After a failed attempt that will be retried.
     *
     * @param task the task
     * @param attempt the attempt that failed, from 1
     * @param failure what the task threw, or null if it returned false
     * @param delay the wait before the next attempt
     */
    default void retryScheduled(Task task, int attempt, Throwable failure, Duration delay) {
    }

    /**
     * After the task succeeded.
     *
     * @param task the task
     * @param attempts how many attempts it took
     */
    default void succeeded(Task task, int attempts) {
    }

    /**
     * After the task failed its last allowed attempt; the next task starts.
     *
     * @param task the task
     * @param attempts how many attempts were made
     * @param lastFailure what the last attempt threw, or null if it returned false
     */
    default void gaveUp(Task task, int attempts, Throwable lastFailure) {
    }
}
