package dev.actionqueues.deferred;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Carries context from the producer to the job's run under a namespace: at {@code later} the
 * value of {@link #produce()} is stored in the job (as JSON); on the consumer
 * {@link #consume(Object)} receives it for <em>every</em> claimed job, expired ones included, before
 * the job runs, with null when the job carries nothing under this namespace. Typical use: a request
 * or trace id. The value is produced once per {@code later} and travels unchanged through retries.
 * A consumer that throws fails the job's attempt like the job itself would.
 *
 * <p>Implementations must be thread-safe.
 *
 * @param <T> the metadata type, serialisable with Jackson
 */
public interface MetadataProducerConsumer<T> {

    /** Returns the namespace, unique among a {@link Deferrable}'s producer-consumers. */
    String namespace();

    /** Returns the type the metadata is decoded into on the consumer. */
    Class<T> type();

    /** Returns the metadata to attach to a job being pushed, or null for none. */
    T produce();

    /**
     * Receives the metadata of a claimed job.
     *
     * @param metadata the value, or null if the job has none under this namespace
     */
    void consume(T metadata);

    /**
     * A producer-consumer from two functions.
     *
     * @param namespace the namespace, not blank
     * @param type the metadata type
     * @param producer called at {@code later}
     * @param consumer called before each run
     * @param <T> the metadata type
     * @return the producer-consumer
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code namespace} is blank
     */
    static <T> MetadataProducerConsumer<T> of(String namespace, Class<T> type, Supplier<? extends T> producer,
            Consumer<? super T> consumer) {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(producer, "producer");
        Objects.requireNonNull(consumer, "consumer");
        if (namespace.isBlank()) {
            throw new IllegalArgumentException("namespace must be provided");
        }
        return new MetadataProducerConsumer<>() {
            @Override
            public String namespace() {
                return namespace;
            }

            @Override
            public Class<T> type() {
                return type;
            }

            @Override
            public T produce() {
                return producer.get();
            }

            @Override
            public void consume(T metadata) {
                consumer.accept(metadata);
            }

            @Override
            public String toString() {
                return "MetadataProducerConsumer[" + namespace + "]";
            }
        };
    }
}
