package dev.actionqueues.deferred;

import static dev.actionqueues.deferred.EventType.COMPLETE;
import static dev.actionqueues.deferred.EventType.ERROR;
import static dev.actionqueues.deferred.EventType.POP;
import static dev.actionqueues.deferred.EventType.PUSH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.deferred.RunOutcome.Status;
import dev.actionqueues.retry.Backoff;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An {@link Error} from a handler fails the attempt like an exception; a {@link VirtualMachineError}
 * other than {@link StackOverflowError} gives the job back and is rethrown (issue 11).
 */
class HandlerErrorTest {

    private final Fixture f = new Fixture();

    @Test
    void anAssertionErrorSendsTheJobToTheErrorQueueWithItsTypeMessageAndStackTrace() {
        Deferrable d = f.deferrable();
        LaterResult r = d.register("asserts", String.class, s -> {
            throw new AssertionError("expected 2 rows, got 3");
        }).later("x");

        RunOutcome o = d.runOnce();

        assertThat(o.status()).isEqualTo(Status.ERRORED);
        assertThat(o.reason()).isEqualTo("failed with java.lang.AssertionError, which is not retried");
        assertThat(d.stats()).isEqualTo(new DeferrableStats(0, 0, 0, 1));
        JobError error = d.errors().find(r.jobId()).orElseThrow().error();
        assertThat(error.type()).isEqualTo("java.lang.AssertionError");
        assertThat(error.message()).isEqualTo("expected 2 rows, got 3");
        assertThat(error.stackTrace()).startsWith("java.lang.AssertionError: expected 2 rows, got 3")
                .contains(HandlerErrorTest.class.getName());
        assertThat(error.attempts()).isEqualTo(1);
        assertThat(f.eventTypes()).containsExactly(PUSH, POP, ERROR, COMPLETE);
    }

    @Test
    void anErrorIsRetriedWhenItsClassIsInTheTasksRetryClasses() {
        Deferrable d = f.builder().backoff(Backoff.constant(Duration.ofSeconds(3))).build();
        d.register("linkage", String.class, TaskOptions.builder().retryOn(LinkageError.class).maxAttempts(2).build(),
                s -> {
                    throw new NoClassDefFoundError("com/example/Gone");
                }).later("x");

        assertThat(d.runOnce().status()).isEqualTo(Status.RETRIED);
        assertThat(f.queue.releaseDelays).containsExactly(Duration.ofSeconds(3));
        f.time.advance(Duration.ofSeconds(3));
        RunOutcome second = d.runOnce();

        assertThat(second.status()).isEqualTo(Status.ERRORED);
        assertThat(second.reason()).isEqualTo("failed 2 times, the maximum");
        assertThat(d.errors(0, 1).get(0).error().type()).isEqualTo("java.lang.NoClassDefFoundError");
    }

    @Test
    void aStackOverflowErrorIsAFailureOfTheAttempt() {
        Deferrable d = f.deferrable();
        // Thrown rather than provoked: the same catch, without 1,024 frames in the test's log.
        d.register("deep", Integer.class, n -> {
            throw new StackOverflowError("too deep");
        }).later(0);

        RunOutcome o = d.runOnce();

        assertThat(o.status()).isEqualTo(Status.ERRORED);
        assertThat(d.errors(0, 1).get(0).error().type()).isEqualTo("java.lang.StackOverflowError");
        assertThat(d.stats()).isEqualTo(new DeferrableStats(0, 0, 0, 1));
    }

    @Test
    void anOutOfMemoryErrorIsRethrownAfterTheJobIsGivenBackWithoutCountingAnAttempt() {
        Deferrable d = f.deferrable();
        OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
        d.register("hungry", String.class, s -> {
            throw oom;
        }).later("x");

        assertThatThrownBy(d::runOnce).isSameAs(oom);

        assertThat(f.queue.releaseDelays).containsExactly(Duration.ZERO);
        assertThat(d.stats()).as("available again at once, not leased").isEqualTo(new DeferrableStats(1, 0, 0, 0));
        assertThat(f.queue.list(0, 1).get(0).payload()).contains("\"attempts\":0");
        assertThat(f.eventTypes()).containsExactly(PUSH, POP);
    }

    @Test
    void anInternalErrorIsRethrownAndAFailedGiveBackRidesAlongSuppressed() {
        Deferrable d = f.deferrable();
        d.register("broken-jvm", String.class, s -> {
            throw new InternalError("bad");
        }).later("x");
        f.queue.failRelease = true;

        assertThatThrownBy(d::runOnce).isInstanceOf(InternalError.class).hasMessage("bad")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
                        .isInstanceOf(BackendException.class));

        assertThat(d.stats().inFlight()).as("leased until its lease runs out").isEqualTo(1);
    }
}
