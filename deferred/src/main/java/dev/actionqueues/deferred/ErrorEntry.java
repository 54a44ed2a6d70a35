package dev.actionqueues.deferred;

/**
 * An entry of the error queue: the failed job and its {@link JobError}. Immutable.
 *
 * @param jobId the job's id, used to replay it
 * @param task the task name, or null if the job's payload did not parse
 * @param arguments the job's arguments as JSON, or null if the payload did not parse
 * @param error why it is here; null only if the entry itself did not parse
 * @param payload the stored entry as it is in the error queue (JSON; may be logged only at DEBUG,
 *     it holds the job's arguments)
 */
public record ErrorEntry(String jobId, String task, String arguments, JobError error, String payload) {

    @Override
    public String toString() {
        return "ErrorEntry[jobId=" + jobId + ", task=" + task + ", error=" + (error == null ? null
                : error.type() + ": " + error.reason()) + "]";
    }
}
