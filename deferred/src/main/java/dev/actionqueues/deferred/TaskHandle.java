package dev.actionqueues.deferred;

import java.sql.Connection;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A task, used by producers to defer calls: {@link #later(Object, LaterOptions...)} pushes a job
 * that a consumer over the same backend, with the task registered, runs. Obtain one from
 * {@link Deferrable#register} (a task this Deferrable also runs) or {@link Deferrable#task} (a
 * task others run). The producer's options apply here: the task's delay, TTL and debounce window,
 * and each call's {@link LaterOptions}. Immutable and thread-safe.
 *
 * @param <A> the type of the task's arguments
 */
public final class TaskHandle<A> {

    private final JobProducer producer;
    private final RegisteredTask<A> task;

    TaskHandle(JobProducer producer, RegisteredTask<A> task) {
        this.producer = producer;
        this.task = task;
    }

    /** Returns the task's stable name, as stored in its jobs. */
    public String name() {
        return task.name();
    }

    /**
     * Defers a call with the task's options; the same as {@link #later(Object, LaterOptions...)}
     * with no options.
     *
     * @param arguments the arguments, serialisable with the Deferrable's Jackson mapper; may be null
     * @return the id of the pushed job, or of the waiting one the call was debounced into
     * @throws IllegalArgumentException as for {@link #later(Object, LaterOptions...)}
     * @throws BackendException if the backend failed; the job may or may not have been stored
     */
    public LaterResult later(A arguments) {
        return producer.later(task, arguments, LaterOptions.merge());
    }

    /**
     * Defers a call: encodes {@code arguments} as JSON and pushes a job, delayed or debounced as the
     * task's options and the call's options say. With debouncing, the key is the task name, the
     * group and the canonical JSON of the arguments, unless the call gives its own key. Everything is
     * checked before any I/O.
     *
     * @param arguments the arguments, serialisable with the Deferrable's Jackson mapper; may be null
     * @param options the call's options, each at most once; a delay and a time to run at exclude
     *     each other
     * @return the id of the job that will serve this call, and whether the call was debounced away
     *     or found a live job holding its job id
     * @throws IllegalStateException if the call gives a debounce key and the task has no debounce
     *     window
     * @throws IllegalArgumentException if the arguments do not serialise, the encoded job exceeds
     *     the payload limit, the call's delay, debounce window or TTL is invalid (a delay or window
     *     longer than the TTL, or longer than the backend can hold), an option is given twice, a
     *     job id is given to a debounced task or to a backend that cannot take one
     * @throws BackendException if the backend failed; the job may or may not have been stored (retry
     *     with a {@link LaterOptions#jobId(String) job id} to store it once)
     */
    public LaterResult later(A arguments, LaterOptions... options) {
        return producer.later(task, arguments, LaterOptions.merge(options));
    }

    /**
     * Defers a call debounced under an explicit key; the same as
     * {@code later(arguments, LaterOptions.debounceKey(debounceKey))}.
     *
     * @param arguments the arguments; may be null
     * @param debounceKey the key, not blank
     * @return the id of the job that will serve this call, and whether the call was debounced away
     * @throws IllegalStateException if the task has no debounce window
     * @throws IllegalArgumentException as for {@link #later(Object, LaterOptions...)}, or if the key
     *     is blank
     * @throws BackendException if the backend failed to store the job
     */
    public LaterResult later(A arguments, String debounceKey) {
        return later(arguments, LaterOptions.debounceKey(Objects.requireNonNull(debounceKey, "debounceKey")));
    }

    /**
     * Defers one call per element, pushing them in batches of as many jobs as the backend takes in
     * one call (all of a batch or none of it, where the backend can). Every element is checked and
     * encoded before anything is pushed. Jobs of a debounced task are pushed one by one.
     *
     * @param arguments the arguments of each call, in order
     * @param options options for every call: a delay or a time to run at, a TTL; no job id or
     *     debounce key
     * @return one result per element, in order
     * @throws IllegalArgumentException as for {@link #later(Object, LaterOptions...)}, or if the
     *     options carry a job id or a debounce key
     * @throws BackendException if the backend failed; the batches before the failing one were stored,
     *     the failing one may or may not have been
     */
    public List<LaterResult> laterAll(Collection<? extends A> arguments, LaterOptions... options) {
        return producer.laterAll(task, arguments, LaterOptions.merge(options));
    }

    /**
     * Defers a call without waiting for the backend: the call is checked and encoded now (errors are
     * thrown here), then pushed in the background together with other asynchronous calls, in
     * batches; no thread or connection is held per call. The background pushes run on virtual
     * threads, which do not keep the JVM alive: wait for the futures (e.g.
     * {@code CompletableFuture.allOf(...).join()}) before the JVM exits, or a call not yet pushed
     * is lost.
     *
     * @param arguments the arguments; may be null
     * @param options as for {@link #later(Object, LaterOptions...)}
     * @return a future of the result; it fails with {@link BackendException} if the push failed
     * @throws IllegalStateException as for {@link #later(Object, LaterOptions...)}
     * @throws IllegalArgumentException as for {@link #later(Object, LaterOptions...)}
     */
    public CompletableFuture<LaterResult> laterAsync(A arguments, LaterOptions... options) {
        return producer.laterAsync(task, arguments, LaterOptions.merge(options));
    }

    /**
     * This task's producer inside the caller's JDBC transaction: its jobs are stored by
     * {@code connection}, so they exist if and only if the caller's transaction commits (the
     * transactional outbox, without the outbox). Under Spring, pass the connection of the current
     * transaction, e.g. {@code DataSourceUtils.getConnection(dataSource)}.
     *
     * @param connection the caller's open connection to the backend's database
     * @return a producer bound to that connection
     * @throws NullPointerException if {@code connection} is null
     * @throws IllegalStateException if this Deferrable's backend cannot join a caller's transaction
     *     (only the PostgreSQL backend can)
     */
    public TransactionalTaskHandle<A> inTransaction(Connection connection) {
        Objects.requireNonNull(connection, "connection");
        return new TransactionalTaskHandle<>(producer, task, producer.joining(connection));
    }

    @Override
    public String toString() {
        return "TaskHandle[" + task.name() + "]";
    }
}
