package dev.actionqueues.deferred.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.deferred.memory.MemoryEntry.Where;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.spi.QueueStats;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What the contract cannot see: removed jobs do not pile up inside the in-memory queue, and the
 * invariant check the contract run calls on each queue does look at that queue's state.
 */
class InMemoryJobQueueTest {

    private final Backend backend = InMemoryBackendFactory.create().createBackendForGroup("memory");
    private final InMemoryJobQueue queue = (InMemoryJobQueue) backend.queue();

    @Test
    void jobsRemovedWhileWaitingAreCompactedAway() {
        queue.push(new NewJob("due-later", "kept", Duration.ofHours(1)));
        queue.push(NewJob.of("ready", "kept"));
        for (int i = 0; i < 20_000; i++) {
            queue.push(new NewJob("delayed-" + i, "x", Duration.ofDays(1)));
            assertThat(queue.remove("delayed-" + i)).isTrue();
            queue.push(NewJob.of("now-" + i, "x"));
            assertThat(queue.remove("now-" + i)).isTrue();
        }

        assertThat(queue.stats()).isEqualTo(new QueueStats(1, 0, 1));
        assertThat(queue.heldEntries()).as("live entries plus at most a bounded number of removed ones")
                .isLessThanOrEqualTo(2 + 2 * 1025);
        assertThat(queue.find("due-later")).isPresent();
    }

    @Test
    void theInvariantCheckOfAQueueCatchesACorruptionOfItsState() {
        queue.push(NewJob.of("a", "x"));
        queue.push(NewJob.of("b", "x"));
        queue.checkInvariants();
        InMemoryJobQueue errors = (InMemoryJobQueue) backend.errorQueue();
        errors.checkInvariants();

        queue.state().findWaiting("b").where = Where.DONE;

        assertThatThrownBy(queue::checkInvariants).isInstanceOf(IllegalStateException.class)
                .hasMessage("ready count 2, but 1 ready entries");
        errors.checkInvariants();
    }
}
