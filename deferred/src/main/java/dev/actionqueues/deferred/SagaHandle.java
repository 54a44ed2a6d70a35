package dev.actionqueues.deferred;

import java.time.Duration;

/**
 * A registered durable saga, from {@link SagaBuilder#register()}: start it in the background
 * ({@link #start}) or run it on the calling thread ({@link #run}). Immutable and thread-safe.
 *
 * @param <A> the type of the saga's arguments
 */
public final class SagaHandle<A> {

    private final Sagas sagas;
    private final SagaDefinition<A> definition;

    SagaHandle(Sagas sagas, SagaDefinition<A> definition) {
        this.sagas = sagas;
        this.definition = definition;
    }

    /** @return the saga's name */
    public String name() {
        return definition.name();
    }

    /**
     * Starts a saga with a new id; a worker runs it.
     *
     * @param args the arguments, serialisable with the Deferrable's Jackson mapper
     * @return the saga id
     * @throws IllegalArgumentException if the arguments do not serialise
     * @throws BackendException if the backend failed (retry with {@link #start(Object, String)} and
     *     an id of your own to start it once)
     */
    public String start(A args) {
        return sagas.start(definition, args, Ids.newId(), Duration.ZERO);
    }

    /**
     * Starts the saga {@code sagaId}, once: if a saga with this id exists, nothing changes and its
     * id is returned (the arguments of the second call are ignored).
     *
     * @param args the arguments
     * @param sagaId 1 to 200 of {@code A-Z a-z 0-9 _ . : @ / + = -}
     * @return {@code sagaId}
     * @throws IllegalArgumentException if the id is malformed or belongs to another saga's run, or
     *     the arguments do not serialise
     * @throws BackendException if the backend failed
     */
    public String start(A args, String sagaId) {
        return sagas.start(definition, args, sagaId, Duration.ZERO);
    }

    /**
     * Runs a saga on the calling thread, journaled and leased as a worker would run it, waiting out
     * retries' backoffs; returns when it ended. If this JVM stops midway, a worker resumes the saga
     * from its journal once its lease runs out.
     *
     * @param args the arguments
     * @return the saga, {@link SagaStatus#SUCCEEDED}
     * @throws SagaFailedException if it ended otherwise (compensated, cancelled, or its compensation
     *     failed), with the saga
     * @throws IllegalStateException if the thread was interrupted (a worker resumes the saga)
     * @throws BackendException if the backend failed
     */
    public SagaView run(A args) {
        return sagas.run(definition, args);
    }

    @Override
    public String toString() {
        return "SagaHandle[" + definition.name() + "]";
    }
}
