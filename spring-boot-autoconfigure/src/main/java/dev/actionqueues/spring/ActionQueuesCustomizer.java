package dev.actionqueues.spring;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.Worker;

/**
 * Adjusts the builders the auto-configuration uses, after it has applied the {@code actionqueues.*}
 * properties: declare beans of this type to set what the properties do not cover (a clock, the
 * retry policy, an object mapper, metadata, a worker name). Customizers run in
 * {@link org.springframework.core.Ordered} / {@code @Order} order. Override either method or both.
 *
 * <pre>{@code
 * @Bean
 * ActionQueuesCustomizer retries() {
 *     return new ActionQueuesCustomizer() {
 *         public void customizeDeferrable(Deferrable.Builder builder) {
 *             builder.maxAttempts(8);
 *         }
 *     };
 * }
 * }</pre>
 */
public interface ActionQueuesCustomizer {

    /**
     * Adjusts the Deferrable's builder before the Deferrable bean is built.
     *
     * @param builder the builder, with the properties and the listener beans applied
     */
    default void customizeDeferrable(Deferrable.Builder builder) {
    }

    /**
     * Adjusts the worker's builder; called once, before the worker first starts.
     *
     * @param builder the builder, with the {@code actionqueues.worker.*} properties applied
     */
    default void customizeWorker(Worker.Builder builder) {
    }
}
