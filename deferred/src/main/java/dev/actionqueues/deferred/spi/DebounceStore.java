package dev.actionqueues.deferred.spi;

import dev.actionqueues.deferred.BackendException;

/**
 * Debounce state kept apart from the queue, for brokers that have nowhere to keep it (SQS): the
 * queue asks the store for the decision, pushes the job itself, and tells the store when the job is
 * claimed. The rules are those of {@link Debounce}; what the queue's single atomic step gives other
 * backends is here split in two, so:
 * <ul>
 *   <li>the decision is atomic in the store (concurrent calls of one key get one push), but the push
 *       that follows is a separate call: if it fails, the queue calls {@link #abandoned}; if the
 *       process dies in between, the key stays pending on a job that never came, until the store
 *       forgets it (each implementation says when);</li>
 *   <li>the job must carry its key, so that whoever claims it calls {@link #started}.</li>
 * </ul>
 * A {@code scope} separates the keys of different queues (the queue's name); keys may be hashed by
 * the queue. Implementations: {@code InMemoryDebounceStore} (one process), {@code RedisDebounceStore}.
 * Implementations are thread-safe; every method may throw {@link BackendException}.
 */
public interface DebounceStore {

    /**
     * Decides a push of job {@code jobId} under {@code debounce} now, on the store's clock, by the
     * rules of {@link Debounce}. Unless the result is a {@link DebounceDecision#SKIP}, {@code jobId}
     * becomes the key's pending job, due after the returned delay, and the caller pushes it.
     *
     * @param scope the queue the key belongs to
     * @param debounce the key and window
     * @param jobId the id of the job the caller will push
     * @return the decision, the job id it serves (the pending job's for a skip) and the delay
     * @throws BackendException if the store failed; nothing was decided
     */
    DebounceResult decide(String scope, Debounce debounce, String jobId);

    /**
     * The key's job {@code jobId} was claimed now: it stops being pending, and now becomes the key's
     * last start if later. Does nothing if {@code jobId} is not the key's pending job (a second
     * delivery, or a key already forgotten).
     *
     * @param scope the queue the key belongs to
     * @param key the debounce key, as given to {@link #decide}
     * @param jobId the claimed job
     * @throws BackendException if the store failed
     */
    void started(String scope, String key, String jobId);

    /**
     * The push of {@code jobId}, decided by {@link #decide}, failed: the key stops being pending on
     * it (its last start stays as the decision set it). Does nothing if {@code jobId} is not the
     * key's pending job.
     *
     * @param scope the queue the key belongs to
     * @param key the debounce key
     * @param jobId the job that was not pushed
     * @throws BackendException if the store failed
     */
    void abandoned(String scope, String key, String jobId);

    /**
     * Forgets every key of {@code scope}, as a flush of its queue does.
     *
     * @param scope the queue
     * @throws BackendException if the store failed
     */
    void flush(String scope);
}
