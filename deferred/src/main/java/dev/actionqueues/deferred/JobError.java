package dev.actionqueues.deferred;

import java.time.Instant;

/**
 * Why a job is in the error queue. Immutable.
 *
 * @param type the exception's class name, or null when there was no exception (an unknown task)
 * @param message the exception's message, or null
 * @param stackTrace the formatted stack trace, or null
 * @param host the consumer's host name
 * @param time when the job was sent to the error queue
 * @param reason a short explanation: "failed with a non-retried exception", "unknown task", …
 * @param attempts the executions made, the failed one included
 */
public record JobError(String type, String message, String stackTrace, String host, Instant time, String reason,
        int attempts) {
}
