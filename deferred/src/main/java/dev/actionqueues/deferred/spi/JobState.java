package dev.actionqueues.deferred.spi;

/** Where a job of a queue stands, for inspection ({@link JobQueue#browse}). */
public enum JobState {
    /** Available: it can be claimed now (a delayed job whose due time has passed is waiting too). */
    WAITING,
    /** Its due time has not come yet. */
    DELAYED,
    /** Claimed by a worker, under a lease that has not been completed, released or dead-lettered. */
    IN_FLIGHT
}
