package dev.actionqueues.spring.autoconfigure;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.DeferrableListener;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.BackendFactory;
import dev.actionqueues.redis.RedisBackendFactory;
import dev.actionqueues.spring.ActionQueuesCustomizer;
import dev.actionqueues.spring.ActionQueuesWorker;
import dev.actionqueues.spring.DeferredTask;
import dev.actionqueues.spring.TaskHandles;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Deferred jobs for a Spring Boot application: a {@link BackendFactory} for
 * {@code actionqueues.backend}, the {@link Backend} and {@link Deferrable} of
 * {@code actionqueues.group} (with every {@link DeferrableListener} bean and every
 * {@link ActionQueuesCustomizer} applied), {@link TaskHandles} for producers, the registration of
 * every {@link DeferredTask} bean, and, unless {@code actionqueues.worker.enabled=false}, an
 * {@link ActionQueuesWorker} that runs them. Every bean backs off when the application declares one
 * of its type.
 */
@AutoConfiguration
@EnableConfigurationProperties(ActionQueuesProperties.class)
public class ActionQueuesAutoConfiguration {

    /** The auto-configuration is a Spring bean, created by Spring only. */
    ActionQueuesAutoConfiguration() {
    }

    /** Keeps the jobs in this process's memory. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "actionqueues.backend", havingValue = "memory", matchIfMissing = true)
    static class MemoryBackendConfiguration {

        @Bean
        @ConditionalOnMissingBean
        BackendFactory actionQueuesBackendFactory() {
            return InMemoryBackendFactory.create();
        }
    }

    /** Keeps the jobs in Redis; the factory is closed with the context. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(RedisBackendFactory.class)
    @ConditionalOnProperty(name = "actionqueues.backend", havingValue = "redis")
    static class RedisBackendConfiguration {

        @Bean
        @ConditionalOnMissingBean
        BackendFactory actionQueuesBackendFactory(ActionQueuesProperties properties) {
            ActionQueuesProperties.Redis redis = properties.redis();
            if (redis.uri() == null || redis.uri().isBlank()) {
                throw new IllegalStateException("actionqueues.redis.uri must be set when actionqueues.backend=redis");
            }
            return RedisBackendFactory.builder().uri(redis.uri()).keyPrefix(redis.keyPrefix()).build();
        }
    }

    /** Says what is missing when Redis is asked for without the Redis module. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass("dev.actionqueues.redis.RedisBackendFactory")
    @ConditionalOnProperty(name = "actionqueues.backend", havingValue = "redis")
    static class MissingRedisConfiguration {

        @Bean
        @ConditionalOnMissingBean
        BackendFactory actionQueuesBackendFactory() {
            throw new IllegalStateException("actionqueues.backend=redis needs dev.actionqueues:actionqueues-redis"
                    + " on the classpath (the starter brings it)");
        }
    }

    @Bean
    @ConditionalOnMissingBean
    Backend actionQueuesBackend(ActionQueuesProperties properties, BackendFactory factory) {
        return factory.createBackendForGroup(properties.group());
    }

    @Bean
    @ConditionalOnMissingBean
    Deferrable deferrable(Backend backend, ObjectProvider<DeferrableListener> listeners,
            ObjectProvider<ActionQueuesCustomizer> customizers) {
        Deferrable.Builder builder = Deferrable.builder(backend);
        listeners.orderedStream().forEach(builder::listener);
        customizers.orderedStream().forEach(c -> c.customizeDeferrable(builder));
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    TaskHandles taskHandles(Deferrable deferrable) {
        return TaskHandles.of(deferrable);
    }

    @Bean
    @ConditionalOnMissingBean
    DeferredTaskRegistrar actionQueuesTaskRegistrar(Deferrable deferrable, ObjectProvider<DeferredTask<?>> tasks) {
        return new DeferredTaskRegistrar(deferrable, tasks);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = "actionqueues.worker.enabled", havingValue = "true", matchIfMissing = true)
    ActionQueuesWorker actionQueuesWorker(Deferrable deferrable, ActionQueuesProperties properties,
            ObjectProvider<ActionQueuesCustomizer> customizers) {
        ActionQueuesProperties.Worker w = properties.worker();
        atLeast("actionqueues.worker.concurrency", w.concurrency(), 1);
        atLeast("actionqueues.worker.prefetch", w.prefetch(), 0);
        positive("actionqueues.worker.lease", w.lease());
        if (w.shutdownTimeout() == null || w.shutdownTimeout().isNegative()) {
            throw new IllegalArgumentException("actionqueues.worker.shutdown-timeout must not be negative, was "
                    + w.shutdownTimeout());
        }
        Worker.Builder builder = Worker.builder(deferrable)
                .concurrency(w.concurrency())
                .prefetch(w.prefetch())
                .leaseDuration(w.lease())
                .shutdownTimeout(w.shutdownTimeout());
        customizers.orderedStream().forEach(c -> c.customizeWorker(builder));
        return ActionQueuesWorker.of(builder, w.shutdownTimeout());
    }

    private static void atLeast(String property, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(property + " must be >= " + min + ", was " + value);
        }
    }

    private static void positive(String property, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(property + " must be positive, was " + value);
        }
    }
}
