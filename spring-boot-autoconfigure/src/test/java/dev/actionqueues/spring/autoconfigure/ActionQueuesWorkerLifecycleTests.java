package dev.actionqueues.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.DeferrableStats;
import dev.actionqueues.deferred.TaskDescriptor;
import dev.actionqueues.spring.ActionQueuesWorker;
import dev.actionqueues.spring.DeferredTask;
import dev.actionqueues.spring.TaskHandles;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The worker's start and graceful stop with the context, and tasks that enqueue other tasks. */
class ActionQueuesWorkerLifecycleTests {

    static final TaskDescriptor<String> SLOW = TaskDescriptor.of("slow", String.class);
    static final TaskDescriptor<String> FIRST = TaskDescriptor.of("first", String.class);
    static final TaskDescriptor<String> SECOND = TaskDescriptor.of("second", String.class);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ActionQueuesAutoConfiguration.class));

    @Test
    void aRunningJobFinishesWhenTheContextClosesWithinTheShutdownTimeout() {
        runner.withPropertyValues("actionqueues.worker.shutdown-timeout=10s").withUserConfiguration(SlowTask.class)
                .run(context -> {
                    SlowTask slow = context.getBean(SlowTask.class);
                    Deferrable deferrable = context.getBean(Deferrable.class);
                    ActionQueuesWorker worker = context.getBean(ActionQueuesWorker.class);
                    context.getBean(TaskHandles.class).handle(SLOW).later("a");
                    assertThat(slow.started.await(10, TimeUnit.SECONDS)).isTrue();

                    Thread closer = Thread.ofVirtual().start(context::close);
                    await().atMost(Duration.ofSeconds(10)).until(() -> !worker.isRunning());
                    slow.release.countDown();   // the job ends while the worker is stopping
                    closer.join(Duration.ofSeconds(20));

                    assertThat(closer.isAlive()).isFalse();
                    assertThat(slow.finished).containsExactly("a");
                    assertThat(deferrable.stats()).isEqualTo(new DeferrableStats(0, 0, 0, 0));
                });
    }

    @Test
    void aJobStillRunningAtTheShutdownTimeoutIsGivenBack() {
        runner.withPropertyValues("actionqueues.worker.shutdown-timeout=100ms").withUserConfiguration(SlowTask.class)
                .run(context -> {
                    SlowTask slow = context.getBean(SlowTask.class);
                    Deferrable deferrable = context.getBean(Deferrable.class);
                    context.getBean(TaskHandles.class).handle(SLOW).later("b");
                    assertThat(slow.started.await(10, TimeUnit.SECONDS)).isTrue();

                    context.close();

                    assertThat(deferrable.stats().available()).isEqualTo(1);
                    assertThat(slow.finished).isEmpty();
                    slow.release.countDown();
                });
    }

    @Test
    void aTaskMayEnqueueAnotherThroughTaskHandles() {
        runner.withUserConfiguration(ChainedTasks.class).run(context -> {
            context.getBean(TaskHandles.class).handle(FIRST).later("x");
            ChainedTasks chain = context.getBean(ChainedTasks.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> chain.seconds.contains("x+1"));
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class SlowTask {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> finished = new CopyOnWriteArrayList<>();

        @Bean
        DeferredTask<String> slow() {
            return DeferredTask.of(SLOW, s -> {
                started.countDown();
                try {
                    if (release.await(30, TimeUnit.SECONDS)) {
                        finished.add(s);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ChainedTasks {
        final List<String> seconds = new CopyOnWriteArrayList<>();

        @Bean
        DeferredTask<String> first(TaskHandles handles) {
            var second = handles.handle(SECOND);
            return DeferredTask.of(FIRST, s -> second.later(s + "+1"));
        }

        @Bean
        DeferredTask<String> second() {
            return DeferredTask.of(SECOND, seconds::add);
        }
    }
}
