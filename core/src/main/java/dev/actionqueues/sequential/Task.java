package dev.actionqueues.sequential;

/**
 * A unit of work for a {@link SequentialExecutor}: returns {@code true} on success; {@code false}
 * or an exception is a failure, and the executor tries it again after a backoff.
 */
@FunctionalInterface
public interface Task {

    /**
     * Makes one attempt.
     *
     * @return true if the task succeeded
     * @throws Exception a failure, like returning false
     */
    boolean run() throws Exception;
}
