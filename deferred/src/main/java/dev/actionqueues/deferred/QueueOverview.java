package dev.actionqueues.deferred;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A group's queue at one moment, for operators ({@link QueueAdmin#overview()}): depth by state and
 * the age of the oldest waiting job. Counts are approximate where the backend's are (SQS). Immutable.
 *
 * @param group the group
 * @param waiting jobs that can be claimed now
 * @param delayed jobs waiting for their due time
 * @param inFlight jobs claimed by workers
 * @param errors jobs in the error queue
 * @param oldestWaiting how long the next job to be claimed has waited (since it was pushed or, where
 *     the backend keeps it, since it fell due); empty when none waits or the backend cannot browse
 * @param at when the counts were read
 */
public record QueueOverview(String group, long waiting, long delayed, long inFlight, long errors,
        Optional<Duration> oldestWaiting, Instant at) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if a reference is null
     */
    public QueueOverview {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(oldestWaiting, "oldestWaiting");
        Objects.requireNonNull(at, "at");
    }
}
