package dev.actionqueues.micrometer;

/**
 * The names of the meters this module registers, for dashboards and alerts. Every name starts with
 * {@code actionqueues.}; each registry renders it in its own convention (Prometheus:
 * {@code actionqueues_jobs_enqueued_total}).
 */
public final class MeterNames {

    /** Counter of jobs pushed by {@code later} (retries excluded); tags group, task, backend. */
    public static final String JOBS_ENQUEUED = "actionqueues.jobs.enqueued";
    /**
     * Counter of jobs done with, by outcome: success, retry, error, expired, or debounced (a
     * {@code later} call collapsed into a waiting job); tags group, task, outcome.
     */
    public static final String JOBS_COMPLETED = "actionqueues.jobs.completed";
    /** Timer of runs, claim to completion, outcome success, retry or error; tags group, task, outcome. */
    public static final String JOBS_EXECUTION = "actionqueues.jobs.execution";
    /** Timer from a job's enqueue time (or a retry's due time) to its claim; tags group, task. */
    public static final String JOBS_WAIT = "actionqueues.jobs.wait";
    /** Long task timer of the jobs running now in this process; tags group, task. */
    public static final String JOBS_ACTIVE = "actionqueues.jobs.active";
    /** Gauge of the jobs in a state: waiting, delayed, in_flight or error; tags group, state. */
    public static final String QUEUE_DEPTH = "actionqueues.queue.depth";
    /** Time gauge of the age of the next job to be claimed; tag group. Only for backends that list jobs. */
    public static final String QUEUE_OLDEST_AGE = "actionqueues.queue.oldest.age";
    /** Counter of jobs found handed to another consumer while being finished; tag group. */
    public static final String LEASE_LOST = "actionqueues.lease.lost";
    /** Counter of the statuses durable sagas took (RUNNING once per saga); tags group, saga, status. */
    public static final String SAGAS_STATUS = "actionqueues.sagas.status";
    /**
     * Counter of saga step attempts, by outcome success, retry or failure; tags group, saga, step,
     * direction (execute or compensate), outcome.
     */
    public static final String SAGAS_STEPS = "actionqueues.sagas.steps";
    /** Counter of actions whose {@code execute} succeeded or failed for good; tags queue, outcome. */
    public static final String ACTIONS_EXECUTED = "actionqueues.actions.executed";
    /** Counter of the retries an action queue scheduled; tags queue, phase (execute or rollback). */
    public static final String ACTIONS_RETRIES = "actionqueues.actions.retries";
    /** Counter of actions rolled back; tag queue. */
    public static final String ACTIONS_ROLLED_BACK = "actionqueues.actions.rolled_back";
    /** Counter of actions whose rollback failed for good; tag queue. */
    public static final String ACTIONS_ROLLBACK_FAILED = "actionqueues.actions.rollback_failed";
    /** Counter of a sequential executor's attempts; tag executor. */
    public static final String SEQUENTIAL_ATTEMPTS = "actionqueues.sequential.attempts";
    /** Counter of a sequential executor's tasks that succeeded; tag executor. */
    public static final String SEQUENTIAL_SUCCEEDED = "actionqueues.sequential.succeeded";
    /** Counter of a sequential executor's tasks given up after their last attempt; tag executor. */
    public static final String SEQUENTIAL_GAVE_UP = "actionqueues.sequential.gave_up";

    private MeterNames() {
    }
}
