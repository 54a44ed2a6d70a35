package dev.actionqueues.deferred.spi;

/**
 * Counts of a queue's jobs at one moment; approximate where the broker only knows approximately
 * (SQS). Immutable.
 *
 * @param available jobs that can be claimed now
 * @param inFlight jobs claimed and not yet completed, released or dead-lettered
 * @param delayed jobs waiting for their due time
 */
public record QueueStats(long available, long inFlight, long delayed) {

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if a count is negative
     */
    public QueueStats {
        if (available < 0 || inFlight < 0 || delayed < 0) {
            throw new IllegalArgumentException("counts must not be negative");
        }
    }

    /** Returns every job the queue holds: available, in flight and delayed. */
    public long total() {
        return available + inFlight + delayed;
    }
}
