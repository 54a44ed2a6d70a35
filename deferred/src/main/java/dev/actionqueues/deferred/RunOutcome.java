package dev.actionqueues.deferred;

/**
 * What {@link Deferrable#runOnce()} did with the job it claimed. Immutable.
 *
 * @param status what happened
 * @param jobId the job's id; null for {@link Status#EMPTY}
 * @param task the task name; null for {@link Status#EMPTY} and for payloads that did not parse
 * @param attempts the executions of the job so far, this one included (0 if it did not run)
 * @param reason why the job was sent to the error queue or released, or null
 */
public record RunOutcome(Status status, String jobId, String task, int attempts, String reason) {

    /** The kinds of outcome. */
    public enum Status {
        /** The job ran successfully and was completed. */
        RAN,
        /** The job failed with a retried exception and was put back with a delay. */
        RETRIED,
        /** The job failed for good (or could not be run at all) and went to the error queue. */
        ERRORED,
        /** The job's TTL had passed: it was completed without running. */
        EXPIRED,
        /** The job was given back to the queue without counting an attempt (the thread was interrupted). */
        RELEASED,
        /** There was no job to run. */
        EMPTY
    }

    static final RunOutcome EMPTY = new RunOutcome(Status.EMPTY, null, null, 0, null);
}
