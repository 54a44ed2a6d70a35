package dev.actionqueues.deferred.spi;

import dev.actionqueues.deferred.BackendException;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A queue of jobs with opaque string payloads, at-least-once delivery and leases (named so it does
 * not clash with {@link java.util.Queue}).
 *
 * <p>Life of a job: {@link #push} makes it available (or delayed until its due time);
 * {@link #claim} claims it with a {@link Lease}; the holder then ends the lease with exactly one of
 * {@link #complete} (done, the job is removed), {@link #release} (back to the queue with a new
 * payload and a delay, for a retry or on shutdown) or {@link #deadLetter} (moved to the error
 * queue). {@link #renew} extends the lease while the job runs. A job whose lease runs out is
 * delivered again, with a greater fencing token, ahead of the jobs waiting then (it was claimed
 * before them; of several, the lease that ran out first goes first); the old lease is stale from
 * then on and every call made with it returns {@code false} or empty and changes nothing. Each of these calls is a
 * single atomic step of the backend.
 *
 * <p>Payloads are stored and returned exactly, whatever they contain: the engine owns their
 * format, and a malformed one must still be claimable so the engine can dead-letter it.
 *
 * <p>The same interface serves the error queue of a {@link Backend}: there {@link #deadLetter} and
 * {@link #replayError} throw {@link UnsupportedOperationException}.
 *
 * <p>Every method may throw {@link BackendException} when the broker fails; the SPI lets no vendor
 * exception through. Implementations are thread-safe.
 */
public interface JobQueue {

    /** Returns what this queue can do. */
    QueueCapabilities capabilities();

    /**
     * Adds a job: available at once if its delay is zero, else after the delay.
     *
     * @param job the job
     * @throws IllegalArgumentException if the delay exceeds {@link QueueCapabilities#maxDelay()} or
     *     the payload exceeds {@link QueueCapabilities#maxPayloadBytes()}
     * @throws BackendException if the broker failed; the job may or may not have been stored
     */
    void push(NewJob job);

    /**
     * Adds several jobs. The default pushes one by one; brokers with a batch call override it.
     *
     * @param jobs at most {@link QueueCapabilities#maxBatchSize()} jobs
     * @return for each job, in order, whether it was stored
     * @throws IllegalArgumentException if the batch is too large or a job is invalid
     * @throws BackendException if the broker failed as a whole
     */
    default List<Boolean> pushBatch(List<NewJob> jobs) {
        checkBatch(jobs.size(), capabilities());
        List<Boolean> result = new ArrayList<>(jobs.size());
        for (NewJob job : jobs) {
            push(job);
            result.add(Boolean.TRUE);
        }
        return result;
    }

    /**
     * Adds several jobs without holding the calling thread for the broker's answer, where the broker's
     * client can do that (SQS built with an {@code SqsAsyncClient}); the engine's {@code laterAsync}
     * uses it. The future completes with what {@link #pushBatch} would return, or fails with what it
     * would throw (an {@link IllegalArgumentException} for an invalid batch included). The default
     * runs {@link #pushBatch} on the calling thread and returns its outcome as a completed future.
     *
     * @param jobs at most {@link QueueCapabilities#maxBatchSize()} jobs
     * @return for each job, in order, whether it was stored
     */
    default CompletableFuture<List<Boolean>> pushBatchAsync(List<NewJob> jobs) {
        try {
            return CompletableFuture.completedFuture(pushBatch(jobs));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Adds a job unless a job pushed this way under the same id is still waiting, delayed or in
     * flight in this queue, deciding and pushing in one atomic step. The id stays taken until that
     * job is completed, dead-lettered or removed (a release for a retry keeps it); then it may be
     * pushed again. This is what makes an enqueue that is retried after a failure happen once.
     *
     * @param job the job, its id chosen by the caller
     * @return true if stored; false if a live job holds the id, and nothing changed
     * @throws UnsupportedOperationException if {@link QueueCapabilities#uniqueIds()} is false
     * @throws IllegalArgumentException as for {@link #push(NewJob)}
     * @throws BackendException if the broker failed; the job may or may not have been stored
     */
    default boolean pushIfAbsent(NewJob job) {
        throw new UnsupportedOperationException("this queue cannot push a job only if its id is absent");
    }

    /**
     * Pushes a job under debouncing, deciding and pushing in one atomic step (see {@link Debounce}
     * for the rules). The job's own delay is ignored: the decision sets it.
     *
     * @param job the job to push unless the call is skipped
     * @param debounce the key and window
     * @return what was decided, and the id of the job the call is served by
     * @throws UnsupportedOperationException if {@link QueueCapabilities#debounce()} is false
     * @throws BackendException if the broker failed; the job may or may not have been stored
     */
    DebounceResult pushDebounced(NewJob job, Debounce debounce);

    /**
     * Claims up to {@code max} available jobs, each with a lease of {@code leaseDuration}, waiting
     * up to {@code maxWait} for the first one. Delayed jobs become available when due and jobs whose
     * lease ran out become available again, without any other process running.
     *
     * @param max how many jobs at most, between 1 and {@link QueueCapabilities#maxBatchSize()}
     * @param leaseDuration how long the leases last, positive
     * @param maxWait how long to wait when nothing is available; zero does not wait
     * @return the leases, possibly none; FIFO queues return them in order
     * @throws InterruptedException if the thread is interrupted while waiting; nothing was claimed
     * @throws IllegalArgumentException if an argument is out of range
     * @throws BackendException if the broker failed
     */
    List<Lease> claimBatch(int max, Duration leaseDuration, Duration maxWait) throws InterruptedException;

    /**
     * Claims one available job; see {@link #claimBatch(int, Duration, Duration)}.
     *
     * @param leaseDuration how long the lease lasts, positive
     * @param maxWait how long to wait when nothing is available; zero does not wait
     * @return the lease, or empty if nothing became available in time
     * @throws InterruptedException if the thread is interrupted while waiting; nothing was claimed
     * @throws BackendException if the broker failed
     */
    default Optional<Lease> claim(Duration leaseDuration, Duration maxWait) throws InterruptedException {
        List<Lease> leases = claimBatch(1, leaseDuration, maxWait);
        return leases.isEmpty() ? Optional.empty() : Optional.of(leases.get(0));
    }

    /**
     * Sets the lease to run out {@code leaseDuration} from now (from now: this may also shorten it),
     * keeping its fencing token.
     *
     * @param lease the current lease
     * @param leaseDuration the new remaining time, positive
     * @return the renewed lease, or empty if the lease is stale
     * @throws BackendException if the broker failed
     */
    Optional<Lease> renew(Lease lease, Duration leaseDuration);

    /**
     * Ends the lease {@code lease} names now, as if it had run out, if that delivery still holds its
     * job: the job goes to the next claimer as a new delivery (its delivery count grows, as for any
     * lease that ran out), and claimers waiting on the queue are woken where the backend can. A
     * stale lease (the job was completed, released or handed to someone else since) is left alone.
     * Used to reclaim the leases of a worker found dead ({@link WorkerRegistry}). The default
     * renews the lease to run out in a millisecond; backends override it to wake claimers.
     *
     * @param lease the id, fencing token and receipt of the delivery
     * @return true if the lease was held and now is ended; false if it was stale
     * @throws BackendException if the broker failed
     */
    default boolean expire(WorkerLease lease) {
        Lease l = new Lease(lease.jobId(), "", lease.fencingToken(), Instant.EPOCH, 1, lease.receipt());
        return renew(l, Duration.ofMillis(1)).isPresent();
    }

    /**
     * Renews several leases, as {@link #renew} does each: a worker's heartbeat renews the leases of
     * all its running and prefetched jobs with one call. Backends with a batch call override it (SQS:
     * one ChangeMessageVisibilityBatch per 10 leases); the default renews one by one. A stale lease
     * gives an empty result and leaves the others alone.
     *
     * @param leases the current leases, any number (backends split them into their batch size)
     * @param leaseDuration the new remaining time, positive
     * @return for each lease, in order, the renewed lease, or empty if it is stale
     * @throws BackendException if the broker failed; some leases may have been renewed
     */
    default List<Optional<Lease>> renewBatch(List<Lease> leases, Duration leaseDuration) {
        List<Optional<Lease>> renewed = new ArrayList<>(leases.size());
        for (Lease lease : leases) {
            renewed.add(renew(lease, leaseDuration));
        }
        return renewed;
    }

    /**
     * Removes exactly the leased job, and nothing else.
     *
     * @param lease the lease
     * @return true if removed; false if the lease is stale (the job was handed to someone else, or
     *     already finished) and nothing changed
     * @throws BackendException if the broker failed
     */
    boolean complete(Lease lease);

    /**
     * Completes a finished job and claims up to {@code max} ready ones, as a worker does between two
     * jobs. Backends that can do both in one round trip or one lock hold override it; the default
     * calls {@link #complete(Lease)} then {@link #claimBatch(int, Duration, Duration)} without waiting.
     * It never waits for a job. If the thread is interrupted, the completion still happens, no job is
     * claimed, and the interrupt status stays set.
     *
     * @param done the lease of the finished job
     * @param max how many jobs to claim at most, between 1 and {@link QueueCapabilities#maxBatchSize()}
     * @param leaseDuration the lease on the claimed jobs, positive
     * @return whether {@code done} was completed (as {@link #complete(Lease)}), and the claimed jobs
     * @throws IllegalArgumentException if {@code max} is out of range
     * @throws BackendException if the broker failed; the completion may or may not have happened
     */
    default CompleteAndNext completeAndClaim(Lease done, int max, Duration leaseDuration) {
        checkBatch(max, capabilities());
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        boolean completed = complete(done);
        if (Thread.currentThread().isInterrupted()) {
            return new CompleteAndNext(completed, List.of());
        }
        try {
            return new CompleteAndNext(completed, claimBatch(max, leaseDuration, Duration.ZERO));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CompleteAndNext(completed, List.of());
        }
    }

    /**
     * Completes several jobs. The default completes one by one.
     *
     * @param leases at most {@link QueueCapabilities#maxBatchSize()} leases
     * @return for each lease, in order, what {@link #complete(Lease)} would return
     * @throws IllegalArgumentException if the batch is too large
     * @throws BackendException if the broker failed as a whole
     */
    default List<Boolean> completeBatch(List<Lease> leases) {
        checkBatch(leases.size(), capabilities());
        List<Boolean> result = new ArrayList<>(leases.size());
        for (Lease lease : leases) {
            result.add(complete(lease));
        }
        return result;
    }

    /**
     * Ends the lease and puts the job back with {@code newPayload}, available after {@code delay}
     * (a retry), or at once (a shutdown giving a job back). The job keeps its id.
     *
     * @param lease the lease
     * @param newPayload the payload the job carries from now on
     * @param delay zero or positive, at most {@link QueueCapabilities#maxDelay()}
     * @return true if released; false if the lease is stale and nothing changed
     * @throws IllegalArgumentException if the delay is out of range
     * @throws BackendException if the broker failed
     */
    boolean release(Lease lease, String newPayload, Duration delay);

    /**
     * Removes the leased job from this queue and adds {@code errorPayload} to the error queue under
     * the same id, in one step.
     *
     * @param lease the lease
     * @param errorPayload the error entry to store
     * @return true if moved; false if the lease is stale and nothing changed
     * @throws UnsupportedOperationException if this is an error queue
     * @throws BackendException if the broker failed
     */
    boolean deadLetter(Lease lease, String errorPayload);

    /**
     * Removes entry {@code id} from the error queue and pushes it into this queue with
     * {@code newPayload}, available at once, in one step.
     *
     * @param id the error entry's id
     * @param newPayload the payload of the replayed job
     * @return true if replayed; false if the error queue has no waiting entry with that id
     * @throws UnsupportedOperationException if this is an error queue, or its error queue lacks
     *     {@link QueueCapabilities#inspection()}
     * @throws BackendException if the broker failed
     */
    boolean replayError(String id, String newPayload);

    /**
     * Lists waiting jobs (not in flight): available ones in claim order, then delayed ones by due time.
     *
     * @param offset how many to skip, at least 0
     * @param limit how many at most, at least 1
     * @return the jobs
     * @throws UnsupportedOperationException if {@link QueueCapabilities#inspection()} is false
     * @throws IllegalArgumentException if an argument is out of range
     * @throws BackendException if the broker failed
     */
    List<JobRecord> list(int offset, int limit);

    /**
     * Finds a waiting (not in flight) job by id.
     *
     * @param id the job id
     * @return the job, or empty if no waiting job has that id
     * @throws UnsupportedOperationException if {@link QueueCapabilities#inspection()} is false
     * @throws BackendException if the broker failed
     */
    Optional<JobRecord> find(String id);

    /**
     * Removes a waiting (not in flight) job.
     *
     * @param id the job id
     * @return true if removed; false if there is no such waiting job
     * @throws UnsupportedOperationException if {@link QueueCapabilities#inspection()} is false
     * @throws BackendException if the broker failed
     */
    boolean remove(String id);

    /**
     * Returns a page of the jobs in one state, for operators: waiting jobs in claim order, delayed
     * ones by due time, jobs in flight by lease expiry. Keyset-paginated: pass the previous page's
     * {@link JobPage#next()} to go on; no call counts the whole queue. A job that changes state
     * between two pages may be missed or shown twice; a page is never wrong about the jobs it shows
     * at the moment it was read.
     *
     * @param state which jobs
     * @param cursor null for the first page, else a cursor this queue returned
     * @param limit how many at most, 1 to 1,000
     * @return the page
     * @throws UnsupportedOperationException if the backend cannot browse (the default)
     * @throws IllegalArgumentException if {@code limit} is out of range or the cursor is not one of
     *     this queue's
     * @throws BackendException if the broker failed
     */
    default JobPage browse(JobState state, String cursor, int limit) {
        throw new UnsupportedOperationException(
                "this backend cannot browse its jobs (" + getClass().getSimpleName() + ")");
    }

    /**
     * Makes a delayed job due now, keeping its id, payload and place in the debounce state; it is
     * claimed next in line with the other waiting jobs.
     *
     * @param id the job id
     * @return true if a delayed job with that id was made due; false if there is none (it may have
     *     fallen due or been claimed meanwhile)
     * @throws UnsupportedOperationException if the backend cannot (the default)
     * @throws BackendException if the broker failed
     */
    default boolean runNow(String id) {
        throw new UnsupportedOperationException(
                "this backend cannot make a delayed job due now (" + getClass().getSimpleName() + ")");
    }

    /**
     * Checks the arguments of {@link #browse}, for implementations.
     *
     * @param state the state asked for
     * @param limit the page size asked for
     * @throws NullPointerException if {@code state} is null
     * @throws IllegalArgumentException if {@code limit} is not 1 to 1,000
     */
    static void checkBrowse(JobState state, int limit) {
        Objects.requireNonNull(state, "state");
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be between 1 and 1000, was " + limit);
        }
    }

    /**
     * Returns the current counts.
     *
     * @return the counts
     * @throws BackendException if the broker failed
     */
    QueueStats stats();

    /**
     * Removes every job: available, delayed and in flight (their leases become stale), and the
     * queue's debounce state.
     *
     * @throws BackendException if the broker failed
     */
    void flush();

    /**
     * A view of this queue whose calls run on the caller's JDBC connection, inside the transaction
     * open on it (if any): a push is stored if and only if that transaction commits, and a
     * {@link #complete} takes effect together with the caller's own writes. The view never commits,
     * rolls back or closes the connection; the caller does. Only backends that keep their jobs in
     * the same database can do this; the default throws.
     *
     * @param connection the caller's open connection to the backend's database
     * @return the view, valid while the connection is open
     * @throws UnsupportedOperationException if this backend cannot join a caller's transaction
     * @throws NullPointerException if {@code connection} is null
     */
    default JobQueue joining(Connection connection) {
        throw new UnsupportedOperationException(
                "this backend cannot join a caller's transaction (" + getClass().getSimpleName() + ")");
    }

    /** Checks a batch size against {@link QueueCapabilities#maxBatchSize()}. */
    private static void checkBatch(int size, QueueCapabilities capabilities) {
        int max = capabilities.maxBatchSize();
        if (size < 0 || size > max) {
            throw new IllegalArgumentException("batch size must be between 0 and " + max + ", was " + size);
        }
    }
}
