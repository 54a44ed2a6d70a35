package dev.actionqueues.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.NewJob;
import org.junit.jupiter.api.Test;

class InMemoryBackendFactoryTest {

    @Test
    void theSameGroupGivesTheSameQueuesAndOtherGroupsAreSeparate() {
        InMemoryBackendFactory factory = InMemoryBackendFactory.create();
        Backend a = factory.createBackendForGroup("a");
        Backend a2 = factory.createBackendForGroup("a");
        Backend b = factory.createBackendForGroup("b");

        a.queue().push(NewJob.of("1", "x"));

        assertThat(a.group()).isEqualTo("a");
        assertThat(a2.queue().stats().available()).isEqualTo(1);
        assertThat(b.queue().stats().available()).isZero();
        assertThat(InMemoryBackendFactory.create().createBackendForGroup("a").queue().stats().available()).isZero();
        assertThat(a.queue()).isNotSameAs(a.errorQueue());
    }

    @Test
    void groupNamesAreValidated() {
        InMemoryBackendFactory factory = InMemoryBackendFactory.create();
        for (String bad : new String[] {"", "a:b", "a b", "{x}", "*", "new\nline", "x".repeat(201)}) {
            assertThatThrownBy(() -> factory.createBackendForGroup(bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> factory.createBackendForGroup(null)).isInstanceOf(NullPointerException.class);
    }
}
