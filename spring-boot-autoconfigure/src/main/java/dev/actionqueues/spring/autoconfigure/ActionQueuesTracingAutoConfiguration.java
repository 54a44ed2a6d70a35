package dev.actionqueues.spring.autoconfigure;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.opentelemetry.JobTracing;
import dev.actionqueues.spring.ActionQueuesCustomizer;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * OpenTelemetry tracing of the configured group's jobs ({@link JobTracing}: a producer span at
 * {@code later}, the trace context carried in the job's metadata, a consumer span around each run),
 * when actionqueues-opentelemetry is on the classpath and the application has an
 * {@link OpenTelemetry} bean. A customizer adds the tracing's metadata and listener to the
 * Deferrable's builder.
 */
@AutoConfiguration(after = ActionQueuesAutoConfiguration.class,
        afterName = "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration")
@ConditionalOnClass({JobTracing.class, OpenTelemetry.class})
@ConditionalOnBean(OpenTelemetry.class)
public class ActionQueuesTracingAutoConfiguration {

    /** The auto-configuration is a Spring bean, created by Spring only. */
    ActionQueuesTracingAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    JobTracing jobTracing(OpenTelemetry openTelemetry, ActionQueuesProperties properties) {
        return JobTracing.builder(openTelemetry, properties.group()).build();
    }

    @Bean
    @ConditionalOnMissingBean(name = "actionQueuesTracingCustomizer")
    ActionQueuesCustomizer actionQueuesTracingCustomizer(JobTracing tracing) {
        return new ActionQueuesCustomizer() {
            @Override
            public void customizeDeferrable(Deferrable.Builder builder) {
                builder.metadata(tracing.metadata()).listener(tracing.listener());
            }
        };
    }
}
