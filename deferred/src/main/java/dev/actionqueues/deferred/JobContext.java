package dev.actionqueues.deferred;

import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.Lease;
import java.sql.Connection;
import java.util.Objects;
import java.util.Optional;

/**
 * The job a handler is running, seen from inside the handler: {@link #current()} on the thread
 * that runs it. Besides the job's identity, it offers transactional completion: a handler whose
 * work stays inside the backend's database completes the job with its own writes, in one
 * transaction, for an effect that happens exactly once.
 *
 * <pre>{@code
 * deferrable.register("credit", Credit.class, credit -> {
 *     try (Connection c = dataSource.getConnection()) {
 *         c.setAutoCommit(false);
 *         insertLedgerRow(c, credit);                            // the job's effect
 *         JobContext.current().orElseThrow().completeInTransaction(c);
 *         c.commit();                                            // both, or neither
 *     }
 * });
 * }</pre>
 *
 * <p>If the worker dies before the commit, neither the write nor the completion happened and the
 * job runs again; if it dies after, both did and it does not. Only the PostgreSQL backend can do
 * this. A job whose context was completed this way is not completed again by the worker; if the
 * transaction rolled back after all, the job stays leased until its lease runs out and then runs
 * again. Not thread-safe: use it on the handler's thread.
 */
public final class JobContext {

    private static final ThreadLocal<JobContext> CURRENT = new ThreadLocal<>();

    private final Lease lease;
    private final String task;
    private final String group;
    private final int attempt;
    private final JobQueue queue;
    private boolean completedInTransaction;

    JobContext(Lease lease, String task, String group, int attempt, JobQueue queue) {
        this.lease = lease;
        this.task = task;
        this.group = group;
        this.attempt = attempt;
        this.queue = queue;
    }

    /**
     * The job this thread is running, if it is running a handler.
     *
     * @return the context, or empty outside a handler
     */
    public static Optional<JobContext> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** Makes {@code context} current; returns the one it replaces, for {@link #restore}. */
    static JobContext enter(JobContext context) {
        JobContext previous = CURRENT.get();
        CURRENT.set(context);
        return previous;
    }

    static void restore(JobContext previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }

    /**
     * The job's id.
     *
     * @return the id
     */
    public String jobId() {
        return lease.jobId();
    }

    /**
     * The task's name.
     *
     * @return the name
     */
    public String task() {
        return task;
    }

    /**
     * The group of the Deferrable running the job.
     *
     * @return the group
     */
    public String group() {
        return group;
    }

    /**
     * Which attempt this is: 1 for the first run, 2 for the first retry, and so on.
     *
     * @return the attempt, at least 1
     */
    public int attempt() {
        return attempt;
    }

    /**
     * Completes this job through {@code connection}, inside the transaction open on it: the job is
     * done if and only if that transaction commits. Call it after the handler's own writes, as the
     * last statement before the commit: until the transaction ends it holds the job's row locked.
     *
     * @param connection an open connection to the backend's database, normally with auto-commit
     *     off; the caller commits (or rolls back) and closes it
     * @throws NullPointerException if {@code connection} is null
     * @throws IllegalStateException if the job's lease was lost (its lease ran out and another
     *     consumer holds the job now: roll back, and let the exception fail this attempt), if it was
     *     already called, or if the backend cannot join a caller's transaction
     * @throws BackendException if the statement failed (the caller's transaction is aborted)
     */
    public void completeInTransaction(Connection connection) {
        Objects.requireNonNull(connection, "connection");
        if (completedInTransaction) {
            throw new IllegalStateException("job " + lease.jobId() + " was already completed in a transaction");
        }
        JobQueue joined;
        try {
            joined = queue.joining(connection);
        } catch (UnsupportedOperationException e) {
            throw new IllegalStateException("the backend of group '" + group + "' cannot complete a job in a caller's"
                    + " transaction (the PostgreSQL backend can)", e);
        }
        if (!joined.complete(lease)) {
            throw new IllegalStateException("job " + lease.jobId() + " of task '" + task + "': the lease was lost"
                    + " (another consumer holds the job now); roll the transaction back");
        }
        completedInTransaction = true;
    }

    /** Whether {@link #completeInTransaction} succeeded (the caller's commit decides the rest). */
    boolean completedInTransaction() {
        return completedInTransaction;
    }

    @Override
    public String toString() {
        return "JobContext[" + lease.jobId() + ", task=" + task + ", attempt=" + attempt + "]";
    }
}
