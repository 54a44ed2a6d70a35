package dev.actionqueues.deferred;

/**
 * Counts of a {@link Deferrable}'s jobs at one moment. Immutable.
 *
 * @param available jobs that can run now
 * @param inFlight jobs being run (leased)
 * @param delayed jobs waiting for their due time, retries included
 * @param errors entries in the error queue
 */
public record DeferrableStats(long available, long inFlight, long delayed, long errors) {
}
