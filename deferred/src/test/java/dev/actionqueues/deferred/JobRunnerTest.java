package dev.actionqueues.deferred;

import static dev.actionqueues.deferred.EventType.COMPLETE;
import static dev.actionqueues.deferred.EventType.POP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.actionqueues.deferred.RunOutcome.Status;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.QueueStats;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The runner returns what must happen next instead of filling a callback. */
class JobRunnerTest {

    private final Fixture f = new Fixture();
    private final Deferrable d = f.deferrable();

    private Lease claim() throws InterruptedException {
        return f.queue.claim(Duration.ofMinutes(1), Duration.ZERO).orElseThrow();
    }

    @Test
    void aJobThatRanAwaitsTheCallersCompletionWhenTheCallerCompletes() throws Exception {
        d.register("ok", String.class, s -> { }).later("x");

        JobRunner.Result r = d.runner().run(claim(), JobRunner.Completion.BY_CALLER);

        assertThat(r.outcome().status()).isEqualTo(Status.RAN);
        assertThat(r.awaitsCompletion()).isTrue();
        assertThat(f.queue.stats()).as("still leased: the caller completes it").isEqualTo(new QueueStats(0, 1, 0));
        assertThat(f.eventTypes()).containsExactly(EventType.PUSH, POP, COMPLETE);
    }

    @Test
    void aJobThatRanIsCompletedByTheRunnerOtherwise() throws Exception {
        d.register("ok", String.class, s -> { }).later("x");

        JobRunner.Result r = d.runner().run(claim(), JobRunner.Completion.HERE);

        assertThat(r.awaitsCompletion()).isFalse();
        assertThat(f.queue.stats()).isEqualTo(new QueueStats(0, 0, 0));
    }

    @Test
    void anExpiredJobAwaitsCompletionLikeOneThatRan() throws Exception {
        d.register("short", String.class, TaskOptions.builder().ttl(Duration.ofSeconds(1)).build(), s -> { })
                .later("x");
        f.time.advance(Duration.ofSeconds(2));

        JobRunner.Result r = d.runner().run(claim(), JobRunner.Completion.BY_CALLER);

        assertThat(r.outcome().status()).isEqualTo(Status.EXPIRED);
        assertThat(r.awaitsCompletion()).isTrue();
    }

    @Test
    void aRetriedOrDeadLetteredJobIsSettledByTheRunnerWhoeverCompletes() throws Exception {
        d.register("retried", String.class, s -> {
            throw new IOException("later");
        }).later("x");
        d.register("fatal", String.class, TaskOptions.builder().retryOn().build(), s -> {
            throw new IOException("never");
        }).later("y");

        JobRunner.Result retried = d.runner().run(claim(), JobRunner.Completion.BY_CALLER);
        JobRunner.Result errored = d.runner().run(claim(), JobRunner.Completion.BY_CALLER);

        assertThat(retried.outcome().status()).isEqualTo(Status.RETRIED);
        assertThat(retried.awaitsCompletion()).isFalse();
        assertThat(errored.outcome().status()).isEqualTo(Status.ERRORED);
        assertThat(errored.outcome().reason()).isEqualTo("failed with java.io.IOException, which is not retried");
        assertThat(errored.awaitsCompletion()).isFalse();
        assertThat(f.queue.stats()).as("the retry waits, delayed").isEqualTo(new QueueStats(0, 0, 1));
    }
}
