package dev.actionqueues.spring.autoconfigure;

import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.micrometer.DeferrableMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * The {@code actionqueues.*} Micrometer meters of the configured group, when actionqueues-micrometer is
 * on the classpath, the application has a {@link MeterRegistry} and {@code actionqueues.metrics.enabled}
 * is not false. The {@link DeferrableMetrics} bean is a listener of the Deferrable (as every
 * {@code DeferrableListener} bean is) and a {@code MeterBinder}, which Spring Boot binds to its
 * registry.
 */
@AutoConfiguration(after = ActionQueuesAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass({DeferrableMetrics.class, MeterRegistry.class})
@ConditionalOnBean({MeterRegistry.class, Backend.class})
@ConditionalOnProperty(name = "actionqueues.metrics.enabled", havingValue = "true", matchIfMissing = true)
public class ActionQueuesMetricsAutoConfiguration {

    /** The auto-configuration is a Spring bean, created by Spring only. */
    ActionQueuesMetricsAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    DeferrableMetrics deferrableMetrics(Backend backend, ActionQueuesProperties properties) {
        return DeferrableMetrics.builder(backend)
                .backendName(properties.backend().name().toLowerCase(Locale.ROOT))
                .build();
    }
}
