package dev.actionqueues.sequential;

/**
 * Called when a task has used up its attempts, so one poison task need not block the line forever.
 * Runs on the executor's thread before the next task starts; an exception from it is logged and
 * ignored.
 */
@FunctionalInterface
public interface GiveUpHandler {

    /**
     * Called once for a task that failed its last allowed attempt.
     *
     * @param task the task that gave up
     * @param attempts how many attempts were made
     * @param lastFailure what the last attempt threw, or null if it returned false
     */
    void gaveUp(Task task, int attempts, Throwable lastFailure);
}
