package dev.actionqueues.deferred.spi;

import java.util.Objects;

/**
 * A group's pair of queues: the main queue that jobs are pushed to and claimed from, and the error
 * queue where jobs that failed for good are kept. The main queue moves jobs into the error queue
 * ({@link JobQueue#deadLetter}) and back ({@link JobQueue#replayError}) itself, so both moves are
 * atomic where the broker allows it. A backend that can also keep durable sagas' journals has a
 * {@link SagaStore}. Immutable; thread-safe if its parts are.
 *
 * @param group the group name the queues were created for
 * @param queue the main queue
 * @param errorQueue the error queue
 * @param sagaStore the group's saga journals, or null if this backend keeps none
 */
public record Backend(String group, JobQueue queue, JobQueue errorQueue, SagaStore sagaStore) {

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
     * A backend without a saga store.
     *
     * @param group the group name the queues were created for
     * @param queue the main queue
     * @param errorQueue the error queue
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if {@code queue} and {@code errorQueue} are the same object
     */
    public Backend(String group, JobQueue queue, JobQueue errorQueue) {
        this(group, queue, errorQueue, null);
    }
}
