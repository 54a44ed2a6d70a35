package dev.actionqueues.deferred.spi;

import java.util.Objects;

/**
 * A group's pair of queues: the main queue that jobs are pushed to and claimed from, and the error
 * queue where jobs that failed for good are kept. The main queue moves jobs into the error queue
 * ({@link JobQueue#deadLetter}) and back ({@link JobQueue#replayError}) itself, so both moves are
 * atomic where the broker allows it. A backend that can also keep durable sagas' journals has a
 * {@link SagaStore}; one that can keep workers' heartbeats has a {@link WorkerRegistry} (without
 * one, workers do not heartbeat and a dead worker's leases run out by themselves). Immutable;
 * thread-safe if its parts are.
 *
 * @param group the group name the queues were created for
 * @param queue the main queue
 * @param errorQueue the error queue
 * @param sagaStore the group's saga journals, or null if this backend keeps none
 * @param workerRegistry the group's worker heartbeats, or null if this backend keeps none
 */
public record Backend(String group, JobQueue queue, JobQueue errorQueue, SagaStore sagaStore,
        WorkerRegistry workerRegistry) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if any field is null
     * @throws IllegalArgumentException if {@code queue} and {@code errorQueue} are the same object
     */
    public Backend {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(errorQueue, "errorQueue");
        if (queue == errorQueue) {
            throw new IllegalArgumentException("the error queue must differ from the main queue");
        }
    }

    /**
     * A backend without a worker registry.
     *
     * @param group the group name the queues were created for
     * @param queue the main queue
     * @param errorQueue the error queue
     * @param sagaStore the group's saga journals, or null if this backend keeps none
     * @throws NullPointerException if {@code group}, {@code queue} or {@code errorQueue} is null
     * @throws IllegalArgumentException if {@code queue} and {@code errorQueue} are the same object
     */
    public Backend(String group, JobQueue queue, JobQueue errorQueue, SagaStore sagaStore) {
        this(group, queue, errorQueue, sagaStore, null);
    }

    /**
     * A backend without a saga store or a worker registry.
     *
     * @param group the group name the queues were created for
     * @param queue the main queue
     * @param errorQueue the error queue
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if {@code queue} and {@code errorQueue} are the same object
     */
    public Backend(String group, JobQueue queue, JobQueue errorQueue) {
        this(group, queue, errorQueue, null, null);
    }
}
