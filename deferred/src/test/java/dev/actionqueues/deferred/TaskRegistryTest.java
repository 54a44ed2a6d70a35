package dev.actionqueues.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.retry.Backoff;
import dev.actionqueues.retry.RetryDecision;
import dev.actionqueues.retry.RetryPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskRegistryTest {

    private final TaskRegistry registry = new TaskRegistry("g",
            InMemoryBackendFactory.create().createBackendForGroup("g").queue().capabilities(),
            new Codec(new ObjectMapper()), List.of(IOException.class), 4, Backoff.constant(Duration.ofSeconds(7)));

    @Test
    void aTasksOptionsAreResolvedAgainstTheDefaultsIntoOneRetryPolicy() {
        RetryPolicy defaults = registry.register(TaskDescriptor.of("a", String.class), s -> { }).retryPolicy();
        RetryPolicy own = registry.register(TaskDescriptor.of("b", String.class).withOptions(
                TaskOptions.builder().maxAttempts(2).retryOn(IllegalStateException.class).build()), s -> { })
                .retryPolicy();

        assertThat(defaults.maxAttempts()).isEqualTo(4);
        assertThat(defaults.decide(3, new IOException())).isEqualTo(RetryDecision.retryAfter(Duration.ofSeconds(7)));
        assertThat(defaults.decide(4, new IOException()).retry()).as("the fourth execution was the last").isFalse();
        assertThat(defaults.isRetryable(new IllegalStateException())).isFalse();
        assertThat(own.maxAttempts()).isEqualTo(2);
        assertThat(own.isRetryable(new IllegalStateException())).isTrue();
        assertThat(own.isRetryable(new IOException())).isFalse();
    }

    @Test
    void noRetryClassesMeansNothingIsRetried() {
        RetryPolicy never = TaskRegistry.retryPolicy(5, List.of(), Backoff.none());

        assertThat(never.decide(1, new IOException()).retry()).isFalse();
        assertThat(never.decide(1, new UncheckedIOException(new IOException())).retry()).isFalse();
        assertThat(never.isRetryable(new Exception())).isFalse();
    }

    @Test
    void tasksAreFoundByNameAndNamesAreUnique() {
        registry.register(TaskDescriptor.of("mail.send", String.class), s -> { });

        assertThat(registry.get("mail.send").name()).isEqualTo("mail.send");
        assertThat(registry.get("other")).isNull();
        assertThat(registry.argsReader("mail.send")).isNotNull();
        assertThat(registry.argsReader("other")).isNull();
        assertThat(registry.names()).containsExactly("mail.send");
        assertThatThrownBy(() -> registry.register(TaskDescriptor.of("mail.send", String.class), s -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already registered");
        assertThatThrownBy(() -> TaskDescriptor.of("bad name", String.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bad name'");
    }
}
