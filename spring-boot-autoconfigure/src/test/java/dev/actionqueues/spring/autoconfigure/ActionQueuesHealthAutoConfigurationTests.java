package dev.actionqueues.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actionqueues.deferred.BackendException;
import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.spring.ActionQueuesWorker;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class ActionQueuesHealthAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(ActionQueuesAutoConfiguration.class, ActionQueuesHealthAutoConfiguration.class));

    @Test
    void upWithTheCountsWhileTheBackendAnswersAndTheWorkerRuns() {
        runner.run(context -> {
            Health health = context.getBean("actionQueuesHealthIndicator", HealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("group", "default").containsEntry("worker", "running")
                    .containsEntry("waiting", 0L).containsEntry("errors", 0L);
        });
    }

    @Test
    void downOnceTheWorkerStopped() {
        runner.run(context -> {
            context.getBean(ActionQueuesWorker.class).stop();
            Health health = context.getBean(ActionQueuesHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsEntry("worker", "stopped");
        });
    }

    @Test
    void upWithoutAWorkerWhenTheWorkerIsDisabled() {
        runner.withPropertyValues("actionqueues.worker.enabled=false").run(context -> {
            Health health = context.getBean(ActionQueuesHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("worker", "disabled");
        });
    }

    @Test
    void downWhenTheBackendFails() {
        runner.withPropertyValues("actionqueues.worker.enabled=false").withUserConfiguration(BrokenBackend.class)
                .run(context -> {
                    Health health = context.getBean(ActionQueuesHealthIndicator.class).health();
                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(health.getDetails().get("error").toString()).contains("stats are down");
                });
    }

    @Test
    void offWhenDisabledByTheManagementProperty() {
        runner.withPropertyValues("management.health.actionqueues.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(ActionQueuesHealthIndicator.class));
    }

    @Test
    void offWithoutSpringBootHealthOnTheClasspath() {
        runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .run(context -> assertThat(context).doesNotHaveBean("actionQueuesHealthIndicator"));
    }

    @Test
    void backsOffForTheApplicationsOwnIndicator() {
        runner.withUserConfiguration(OwnIndicator.class).run(context -> {
            assertThat(context.getBean("actionQueuesHealthIndicator")).isSameAs(OwnIndicator.INDICATOR);
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnIndicator {
        static final HealthIndicator INDICATOR = () -> Health.unknown().build();

        @Bean
        HealthIndicator actionQueuesHealthIndicator() {
            return INDICATOR;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class BrokenBackend {
        @Bean
        Backend brokenBackend() {
            Backend real = InMemoryBackendFactory.create().createBackendForGroup("broken");
            JobQueue queue = (JobQueue) Proxy.newProxyInstance(JobQueue.class.getClassLoader(),
                    new Class<?>[] {JobQueue.class}, (proxy, method, args) -> {
                        if (method.getName().equals("stats")) {
                            throw new BackendException("stats are down");
                        }
                        try {
                            return method.invoke(real.queue(), args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            return new Backend(real.group(), queue, real.errorQueue());
        }

        @Bean
        Deferrable brokenDeferrable(Backend backend) {
            return Deferrable.builder(backend).build();
        }
    }
}
