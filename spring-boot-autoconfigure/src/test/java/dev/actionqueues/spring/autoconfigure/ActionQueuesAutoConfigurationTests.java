package dev.actionqueues.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.DeferrableListener;
import dev.actionqueues.deferred.EventType;
import dev.actionqueues.deferred.JobEvent;
import dev.actionqueues.deferred.TaskDescriptor;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.BackendFactory;
import dev.actionqueues.deferred.testkit.RequiredService;
import dev.actionqueues.redis.RedisBackendFactory;
import dev.actionqueues.spring.ActionQueuesCustomizer;
import dev.actionqueues.spring.ActionQueuesWorker;
import dev.actionqueues.spring.DeferredTask;
import dev.actionqueues.spring.TaskHandles;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class ActionQueuesAutoConfigurationTests {

    static final TaskDescriptor<String> GREET = TaskDescriptor.of("greet", String.class);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ActionQueuesAutoConfiguration.class));

    @Test
    void defaultsToTheMemoryBackendTheDefaultGroupAndARunningWorker() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(BackendFactory.class)).isInstanceOf(InMemoryBackendFactory.class);
            assertThat(context.getBean(Backend.class).group()).isEqualTo("default");
            assertThat(context.getBean(Deferrable.class).admin().group()).isEqualTo("default");
            assertThat(context).hasSingleBean(TaskHandles.class);
            ActionQueuesWorker worker = context.getBean(ActionQueuesWorker.class);
            assertThat(worker.isRunning()).isTrue();
            assertThat(worker.shutdownTimeout()).isEqualTo(Duration.ofSeconds(20));
        });
    }

    @Test
    void groupPropertyNamesTheBackendAndTheDeferrable() {
        runner.withPropertyValues("actionqueues.group=billing").run(context -> {
            assertThat(context.getBean(Backend.class).group()).isEqualTo("billing");
            assertThat(context.getBean(Deferrable.class).admin().group()).isEqualTo("billing");
        });
    }

    @Test
    void blankGroupIsRefusedWithThePropertyName() {
        runner.withPropertyValues("actionqueues.group= ").run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("actionqueues.group"));
    }

    @Test
    void deferredTaskBeansAreRegisteredAndRunByTheWorker() {
        runner.withUserConfiguration(GreetTask.class).run(context -> {
            TaskHandle<String> handle = context.getBean(TaskHandles.class).handle(GREET);
            handle.later("ada");
            List<String> seen = context.getBean(GreetTask.class).seen;
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("ada"));
        });
    }

    @Test
    void twoDeferredTaskBeansOfOneNameFailTheStartWithTheTaskName() {
        runner.withUserConfiguration(GreetTask.class, DuplicateGreetTask.class).run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("'greet'"));
    }

    @Test
    void workerDisabledLeavesNoWorkerButTasksStayRegistered() {
        runner.withPropertyValues("actionqueues.worker.enabled=false").withUserConfiguration(GreetTask.class)
                .run(context -> {
                    assertThat(context).doesNotHaveBean(ActionQueuesWorker.class);
                    Deferrable deferrable = context.getBean(Deferrable.class);
                    context.getBean(TaskHandles.class).handle(GREET).later("bob");
                    deferrable.runOnce();
                    assertThat(context.getBean(GreetTask.class).seen).containsExactly("bob");
                });
    }

    @Test
    void workerConcurrencyRunsThatManyJobsAtOnce() {
        runner.withPropertyValues("actionqueues.worker.concurrency=3", "actionqueues.worker.prefetch=2",
                        "actionqueues.worker.lease=10s", "actionqueues.worker.shutdown-timeout=5s")
                .withUserConfiguration(BarrierTask.class)
                .run(context -> {
                    assertThat(context.getBean(ActionQueuesWorker.class).shutdownTimeout())
                            .isEqualTo(Duration.ofSeconds(5));
                    TaskHandle<String> handle = context.getBean(TaskHandles.class).handle(BarrierTask.BARRIER);
                    handle.later("a");
                    handle.later("b");
                    handle.later("c");
                    BarrierTask task = context.getBean(BarrierTask.class);
                    // Each job waits until three run at once: only a worker of concurrency 3 gets them all through.
                    await().atMost(Duration.ofSeconds(10)).until(() -> task.passed.size() == 3);
                });
    }

    @Test
    void invalidWorkerPropertiesFailWithThePropertyName() {
        runner.withPropertyValues("actionqueues.worker.concurrency=0").run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("actionqueues.worker.concurrency"));
        runner.withPropertyValues("actionqueues.worker.prefetch=-1").run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("actionqueues.worker.prefetch"));
        runner.withPropertyValues("actionqueues.worker.lease=0s").run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("actionqueues.worker.lease"));
        runner.withPropertyValues("actionqueues.worker.shutdown-timeout=-1s").run(context ->
                assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("actionqueues.worker.shutdown-timeout"));
    }

    @Test
    void theWorkerStopsWithTheContext() {
        runner.run(context -> {
            ActionQueuesWorker worker = context.getBean(ActionQueuesWorker.class);
            assertThat(worker.isRunning()).isTrue();
            context.close();
            assertThat(worker.isRunning()).isFalse();
        });
    }

    @Test
    void customizersAdjustBothBuildersInOrder() {
        runner.withUserConfiguration(Customizers.class, GreetTask.class).run(context -> {
            Customizers c = context.getBean(Customizers.class);
            assertThat(c.calls).containsExactly("deferrable", "worker");
            // maxAttempts(1) from the customizer: a failing job goes to the error queue at once.
            context.getBean(TaskHandles.class).handle(GREET).later("fail");
            Deferrable deferrable = context.getBean(Deferrable.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> deferrable.stats().errors() == 1);
        });
    }

    @Test
    void listenerBeansHearTheDeferrablesEvents() {
        runner.withUserConfiguration(RecordingListener.class).run(context -> {
            context.getBean(TaskHandles.class).handle(GREET).later("x");
            assertThat(context.getBean(RecordingListener.class).types).contains(EventType.PUSH);
        });
    }

    @Test
    void redisBackendUsesTheUriAndKeyPrefix() {
        String uri = RequiredService.redis();
        String prefix = "aq-spring-" + UUID.randomUUID();
        runner.withPropertyValues("actionqueues.backend=redis", "actionqueues.redis.uri=" + uri,
                "actionqueues.redis.key-prefix=" + prefix, "actionqueues.worker.enabled=false").run(context -> {
                    assertThat(context).hasNotFailed();
                    RedisBackendFactory factory = (RedisBackendFactory) context.getBean(BackendFactory.class);
                    assertThat(factory.prefix()).isEqualTo(prefix);
                    assertThat(context.getBean(Deferrable.class).stats().available()).isZero();
                });
    }

    @Test
    void redisWithoutTheRedisModuleFailsWithWhatIsMissing() {
        runner.withClassLoader(new FilteredClassLoader(RedisBackendFactory.class))
                .withPropertyValues("actionqueues.backend=redis")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("actionqueues-redis"));
    }

    @Test
    void unknownBackendIsRefused() {
        runner.withPropertyValues("actionqueues.backend=kafka").run(context ->
                assertThat(context).getFailure().hasStackTraceContaining("actionqueues.backend"));
    }

    @Test
    void everyCoreBeanBacksOffForTheApplicationsOwn() {
        runner.withUserConfiguration(OwnBeans.class).run(context -> {
            OwnBeans own = context.getBean(OwnBeans.class);
            assertThat(context.getBean(BackendFactory.class)).isSameAs(own.factory);
            assertThat(context.getBean(Backend.class)).isSameAs(own.backend);
            assertThat(context.getBean(Deferrable.class)).isSameAs(own.deferrable);
            assertThat(context.getBean(TaskHandles.class)).isSameAs(own.handles);
            assertThat(context.getBean(ActionQueuesWorker.class)).isSameAs(own.worker);
            assertThat(context.getBean(DeferredTaskRegistrar.class)).isSameAs(own.registrar);
            assertThat(own.backend.group()).isEqualTo("own");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class GreetTask {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Bean
        DeferredTask<String> greet() {
            return DeferredTask.of(GREET, name -> {
                if (name.equals("fail")) {
                    throw new IllegalStateException("asked to fail");
                }
                seen.add(name);
            });
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class DuplicateGreetTask {
        @Bean
        DeferredTask<String> greetAgain() {
            return DeferredTask.of("greet", String.class, name -> { });
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class BarrierTask {
        static final TaskDescriptor<String> BARRIER = TaskDescriptor.of("barrier", String.class);
        final CountDownLatch together = new CountDownLatch(3);
        final List<String> passed = new CopyOnWriteArrayList<>();

        @Bean
        DeferredTask<String> barrier() {
            return DeferredTask.of(BARRIER, s -> {
                together.countDown();
                if (together.await(10, TimeUnit.SECONDS)) {
                    passed.add(s);
                }
            });
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Customizers {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Bean
        ActionQueuesCustomizer oneAttempt() {
            return new ActionQueuesCustomizer() {
                @Override
                public void customizeDeferrable(Deferrable.Builder builder) {
                    calls.add("deferrable");
                    builder.maxAttempts(1);
                }

                @Override
                public void customizeWorker(Worker.Builder builder) {
                    calls.add("worker");
                    builder.name("customized");
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class RecordingListener implements DeferrableListener {
        final List<EventType> types = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(JobEvent event) {
            types.add(event.type());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {
        final BackendFactory factory = InMemoryBackendFactory.create();
        final Backend backend = factory.createBackendForGroup("own");
        final Deferrable deferrable = Deferrable.builder(backend).build();
        final TaskHandles handles = TaskHandles.of(deferrable);
        final ActionQueuesWorker worker = ActionQueuesWorker.of(Worker.builder(deferrable), Duration.ofSeconds(1));
        DeferredTaskRegistrar registrar;

        @Bean
        BackendFactory ownFactory() {
            return factory;
        }

        @Bean
        Backend ownBackend() {
            return backend;
        }

        @Bean
        Deferrable ownDeferrable() {
            return deferrable;
        }

        @Bean
        TaskHandles ownHandles() {
            return handles;
        }

        @Bean
        ActionQueuesWorker ownWorker() {
            return worker;
        }

        @Bean
        DeferredTaskRegistrar ownRegistrar(ObjectProvider<DeferredTask<?>> tasks) {
            registrar = new DeferredTaskRegistrar(deferrable, tasks);
            return registrar;
        }
    }
}
