package dev.actionqueues.deferred;

import dev.actionqueues.deferred.spi.JobQueue;
import java.sql.Connection;
import java.util.Collection;
import java.util.List;

/**
 * A task's producer bound to the caller's JDBC transaction, from
 * {@link TaskHandle#inTransaction(Connection)}: its jobs are written by the caller's connection, so
 * a job exists if and only if the caller's transaction commits, together with the business write
 * it belongs to. Only a backend that keeps its jobs in the caller's database can do this (the
 * PostgreSQL backend); the connection must reach that database and schema.
 *
 * <p>Nothing here commits, rolls back or closes the connection: the caller does. If the connection
 * is in auto-commit mode, each call's writes are committed at once, as a plain {@code later} would.
 * Events ({@code PUSH}, debounce decisions) are sent at the call, before the caller's commit; a
 * rolled-back transaction leaves them without a job. A debounced call locks its debounce key's row
 * until the caller's transaction ends. A failed call has aborted the caller's transaction: roll it
 * back. There is no asynchronous variant: the caller's transaction is the batching.
 *
 * <p>Use it on the thread that owns the connection, while the transaction is open. Immutable.
 *
 * @param <A> the type of the task's arguments
 */
public final class TransactionalTaskHandle<A> {

    private final JobProducer producer;
    private final RegisteredTask<A> task;
    private final JobQueue target;

    TransactionalTaskHandle(JobProducer producer, RegisteredTask<A> task, JobQueue target) {
        this.producer = producer;
        this.task = task;
        this.target = target;
    }

    /**
     * Defers a call in the caller's transaction; otherwise as {@link TaskHandle#later(Object,
     * LaterOptions...)}.
     *
     * @param arguments the arguments; may be null
     * @param options the call's options
     * @return the id of the job, and whether the call was debounced away or found a live job with its
     *     job id (as the caller's transaction sees them)
     * @throws IllegalArgumentException as for {@link TaskHandle#later(Object, LaterOptions...)}
     * @throws IllegalStateException as for {@link TaskHandle#later(Object, LaterOptions...)}
     * @throws BackendException if a statement failed; the caller's transaction is aborted
     */
    public LaterResult later(A arguments, LaterOptions... options) {
        return producer.later(task, arguments, LaterOptions.merge(options), target);
    }

    /**
     * Defers one call per element in the caller's transaction, in batches of one statement each;
     * otherwise as {@link TaskHandle#laterAll(Collection, LaterOptions...)}.
     *
     * @param arguments the arguments of each call, in order
     * @param options options for every call; no job id or debounce key
     * @return one result per element, in order
     * @throws IllegalArgumentException as for {@link TaskHandle#laterAll(Collection, LaterOptions...)}
     * @throws BackendException if a statement failed; the caller's transaction is aborted
     */
    public List<LaterResult> laterAll(Collection<? extends A> arguments, LaterOptions... options) {
        return producer.laterAll(task, arguments, LaterOptions.merge(options), target);
    }

    @Override
    public String toString() {
        return "TransactionalTaskHandle[" + task.name() + "]";
    }
}
