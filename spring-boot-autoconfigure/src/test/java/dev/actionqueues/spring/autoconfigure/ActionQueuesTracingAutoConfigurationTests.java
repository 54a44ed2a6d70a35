package dev.actionqueues.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.TaskDescriptor;
import dev.actionqueues.opentelemetry.JobTracing;
import dev.actionqueues.spring.ActionQueuesCustomizer;
import dev.actionqueues.spring.DeferredTask;
import dev.actionqueues.spring.TaskHandles;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class ActionQueuesTracingAutoConfigurationTests {

    static final TaskDescriptor<String> TRACED = TaskDescriptor.of("traced", String.class);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withPropertyValues("actionqueues.worker.enabled=false")
            .withConfiguration(AutoConfigurations.of(ActionQueuesAutoConfiguration.class,
                    ActionQueuesTracingAutoConfiguration.class));

    @Test
    void jobsAreTracedFromLaterToTheirRun() {
        runner.withUserConfiguration(Telemetry.class).run(context -> {
            assertThat(context).hasSingleBean(JobTracing.class);
            context.getBean(TaskHandles.class).handle(TRACED).later("x");
            context.getBean(Deferrable.class).runOnce();
            InMemorySpanExporter spans = context.getBean(Telemetry.class).exporter;
            assertThat(spans.getFinishedSpanItems()).extracting(SpanData::getName)
                    .containsExactly("send default", "process default");
            SpanData send = spans.getFinishedSpanItems().get(0);
            SpanData process = spans.getFinishedSpanItems().get(1);
            assertThat(process.getLinks()).anySatisfy(link ->
                    assertThat(link.getSpanContext().getSpanId()).isEqualTo(send.getSpanId()));
        });
    }

    @Test
    void offWithoutAnOpenTelemetryBean() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(JobTracing.class);
            assertThat(context).doesNotHaveBean("actionQueuesTracingCustomizer");
        });
    }

    @Test
    void offWithoutTheOpenTelemetryModule() {
        runner.withUserConfiguration(Telemetry.class).withClassLoader(new FilteredClassLoader(JobTracing.class))
                .run(context -> assertThat(context).doesNotHaveBean("jobTracing"));
    }

    @Test
    void backsOffForTheApplicationsOwnTracingAndCustomizer() {
        runner.withUserConfiguration(Telemetry.class, OwnTracing.class).run(context -> {
            assertThat(context.getBean(JobTracing.class)).isSameAs(context.getBean(OwnTracing.class).tracing);
            assertThat(context.getBean("actionQueuesTracingCustomizer")).isSameAs(OwnTracing.NOTHING);
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Telemetry {
        final InMemorySpanExporter exporter = InMemorySpanExporter.create();

        @Bean
        OpenTelemetry openTelemetry() {
            return OpenTelemetrySdk.builder()
                    .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                    .setTracerProvider(SdkTracerProvider.builder()
                            .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
                    .build();
        }

        @Bean
        DeferredTask<String> traced() {
            return DeferredTask.of(TRACED, s -> { });
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnTracing {
        static final ActionQueuesCustomizer NOTHING = new ActionQueuesCustomizer() {
        };
        JobTracing tracing;

        @Bean
        JobTracing ownTracing(OpenTelemetry openTelemetry) {
            tracing = JobTracing.builder(openTelemetry, "default").build();
            return tracing;
        }

        @Bean
        ActionQueuesCustomizer actionQueuesTracingCustomizer() {
            return NOTHING;
        }
    }
}
