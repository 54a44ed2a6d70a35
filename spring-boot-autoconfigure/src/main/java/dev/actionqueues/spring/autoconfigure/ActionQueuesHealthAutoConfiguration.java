package dev.actionqueues.spring.autoconfigure;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.spring.ActionQueuesWorker;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code actionQueues} health contributor ({@link ActionQueuesHealthIndicator}), when Spring Boot's
 * health support is on the classpath (the actuator brings it) and
 * {@code management.health.actionqueues.enabled} is not false.
 */
@AutoConfiguration(after = ActionQueuesAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Deferrable.class)
@ConditionalOnEnabledHealthIndicator("actionqueues")
public class ActionQueuesHealthAutoConfiguration {

    /** The auto-configuration is a Spring bean, created by Spring only. */
    ActionQueuesHealthAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean(name = "actionQueuesHealthIndicator")
    ActionQueuesHealthIndicator actionQueuesHealthIndicator(Deferrable deferrable,
            ObjectProvider<ActionQueuesWorker> worker) {
        return new ActionQueuesHealthIndicator(deferrable, worker.getIfAvailable());
    }
}
