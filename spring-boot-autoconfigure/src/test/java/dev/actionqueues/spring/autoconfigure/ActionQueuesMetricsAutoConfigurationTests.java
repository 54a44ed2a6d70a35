package dev.actionqueues.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.TaskDescriptor;
import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.micrometer.DeferrableMetrics;
import dev.actionqueues.spring.TaskHandles;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class ActionQueuesMetricsAutoConfigurationTests {

    static final TaskDescriptor<String> PING = TaskDescriptor.of("ping", String.class);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withPropertyValues("actionqueues.worker.enabled=false")
            .withConfiguration(AutoConfigurations.of(ActionQueuesAutoConfiguration.class,
                    ActionQueuesMetricsAutoConfiguration.class, MetricsAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class));

    @Test
    void metersAreBoundToTheRegistryAndFedByTheDeferrable() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(DeferrableMetrics.class);
            context.getBean(TaskHandles.class).handle(PING).later("x");
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("actionqueues.jobs.enqueued")
                    .tags("group", "default", "task", "ping", "backend", "memory").counter().count()).isEqualTo(1.0);
            assertThat(registry.find("actionqueues.queue.depth").tag("state", "waiting").gauge()).isNotNull();
        });
    }

    @Test
    void offWhenMetricsAreDisabled() {
        runner.withPropertyValues("actionqueues.metrics.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(DeferrableMetrics.class));
    }

    @Test
    void offWithoutAMeterRegistry() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ActionQueuesAutoConfiguration.class,
                        ActionQueuesMetricsAutoConfiguration.class))
                .run(context -> {
                    assertThat(context).hasSingleBean(Deferrable.class);
                    assertThat(context).doesNotHaveBean(DeferrableMetrics.class);
                });
    }

    @Test
    void offWithoutTheMicrometerModule() {
        runner.withClassLoader(new FilteredClassLoader(DeferrableMetrics.class))
                .run(context -> assertThat(context).doesNotHaveBean("deferrableMetrics"));
    }

    @Test
    void backsOffForTheApplicationsOwnMetrics() {
        runner.withUserConfiguration(OwnMetrics.class).run(context ->
                assertThat(context.getBean(DeferrableMetrics.class)).isSameAs(OwnMetrics.METRICS));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnMetrics {
        static final DeferrableMetrics METRICS = DeferrableMetrics.builder(
                InMemoryBackendFactory.create().createBackendForGroup("own")).build();

        @Bean
        DeferrableMetrics ownMetrics() {
            return METRICS;
        }
    }
}
