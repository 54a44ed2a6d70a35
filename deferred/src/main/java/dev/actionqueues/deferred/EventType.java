package dev.actionqueues.deferred;

/**
 * The events a {@link Deferrable} reports to its {@link DeferrableListener}s, in this order
 * per outcome: a run is {@code POP} then one of nothing, {@code EXPIRE}, {@code RETRY} or
 * {@code ERROR}, then {@code COMPLETE}; an empty queue is {@code EMPTY}; {@code later} is
 * {@code PUSH}, or {@code DEBOUNCE_MISS, PUSH}, or {@code DEBOUNCE_HIT}, or
 * {@code DEBOUNCE_ERROR, PUSH}. Durable sagas report their own events, with the saga id as the job
 * id, the saga's name as the task and details ({@code step}, {@code direction}, {@code status}) in
 * the metadata: {@code SAGA_STATUS} for every status a saga takes (starting with {@code RUNNING}),
 * and {@code SAGA_STEP_STARTED}, then {@code SAGA_STEP_SUCCEEDED} or {@code SAGA_STEP_FAILED} (with
 * the retry delay, zero when it failed for good) for every attempt of a step's execute or compensate.
 * {@code LEASE_LOST} is reported when finishing a job finds that its lease ran out and the job was
 * handed to another consumer (it may run twice): before the run's {@code RETRY}, {@code ERROR} or
 * {@code COMPLETE} when the run finishes the job itself, after {@code COMPLETE} when a worker
 * completes it together with other jobs or its next claim.
 */
public enum EventType {
    /** A job was pushed by {@code later} (retries do not emit it). */
    PUSH,
    /** A job was claimed. */
    POP,
    /** {@code runOnce} found nothing to run. */
    EMPTY,
    /** The claimed job is done with: ran, expired, retried or dead-lettered. */
    COMPLETE,
    /** The claimed job's TTL had passed; it was not run. */
    EXPIRE,
    /** The job failed and was put back for another attempt. */
    RETRY,
    /** The job went to the error queue. */
    ERROR,
    /** A debounced call collapsed into a waiting job. */
    DEBOUNCE_HIT,
    /** A debounced call was pushed. */
    DEBOUNCE_MISS,
    /** The debounce decision failed; the job is pushed at once without debouncing. */
    DEBOUNCE_ERROR,
    /** A durable saga took a status (metadata {@code status}). */
    SAGA_STATUS,
    /** An attempt of a saga step's execute or compensate started. */
    SAGA_STEP_STARTED,
    /** An attempt of a saga step's execute or compensate succeeded. */
    SAGA_STEP_SUCCEEDED,
    /** An attempt of a saga step's execute or compensate failed. */
    SAGA_STEP_FAILED,
    /**
     * Completing, retrying or dead-lettering a job found its lease lost: it ran out and the job was
     * handed to another consumer, so it may run twice. The task is null when the worker completed
     * the job in a batch (the payload is not decoded again for it).
     */
    LEASE_LOST,
    /**
     * An operator changed the queue through {@link QueueAdmin} (the command or the dashboard): the job
     * id if one job, metadata {@code action}, {@code operator}, {@code count} and, for bulk actions,
     * {@code filter}.
     */
    OPERATOR
}
