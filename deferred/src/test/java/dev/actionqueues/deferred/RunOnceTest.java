package dev.actionqueues.deferred;

import static dev.actionqueues.deferred.EventType.COMPLETE;
import static dev.actionqueues.deferred.EventType.EMPTY;
import static dev.actionqueues.deferred.EventType.ERROR;
import static dev.actionqueues.deferred.EventType.EXPIRE;
import static dev.actionqueues.deferred.EventType.POP;
import static dev.actionqueues.deferred.EventType.PUSH;
import static dev.actionqueues.deferred.EventType.RETRY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.actionqueues.deferred.RunOutcome.Status;
import dev.actionqueues.retry.Backoff;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RunOnceTest {

    record Email(String to, String subject) {
    }

    static final class Transient extends Exception {
        Transient(String m) {
            super(m);
        }
    }

    private final Fixture f = new Fixture();

    @Test
    void laterThenRunOnceCallsTheHandlerWithTheDecodedArgumentsOnce() {
        Deferrable d = f.deferrable();
        List<Email> sent = new ArrayList<>();
        TaskHandle<Email> send = d.register("email.send", Email.class, sent::add);

        LaterResult r = send.later(new Email("d'\u00c9vry@example.com", "h\u00e9llo \ud83d\ude00"));
        RunOutcome first = d.runOnce();
        RunOutcome second = d.runOnce();

        assertThat(r.debounced()).isFalse();
        assertThat(first).isEqualTo(new RunOutcome(Status.RAN, r.jobId(), "email.send", 1, null));
        assertThat(sent).containsExactly(new Email("d'\u00c9vry@example.com", "h\u00e9llo \ud83d\ude00"));
        assertThat(second.status()).isEqualTo(Status.EMPTY);
        assertThat(f.eventTypes()).containsExactly(PUSH, POP, COMPLETE, EMPTY);
        assertThat(d.stats()).isEqualTo(new DeferrableStats(0, 0, 0, 0));
    }

    @Test
    void nullArgumentsTravel() {
        Deferrable d = f.deferrable();
        List<String> seen = new ArrayList<>();
        d.register("nulls", String.class, seen::add).later(null);
        assertThat(d.runOnce().status()).isEqualTo(Status.RAN);
        assertThat(seen).containsExactly((String) null);
    }

    @Test
    void eventsFollowTheSeedOrderForEachOutcome() {
        Deferrable d = f.builder().retryOn(Transient.class).backoff(Backoff.none()).build();
        AtomicInteger mode = new AtomicInteger();
        TaskHandle<Integer> t = d.register("modes", Integer.class, TaskOptions.builder().maxAttempts(2).build(), n -> {
            if (n == 1) {
                throw new Transient("again");
            }
            if (n == 2) {
                throw new IllegalStateException("for good");
            }
        });
        TaskHandle<Integer> ttl = d.register("ttl", Integer.class,
                TaskOptions.builder().ttl(Duration.ofSeconds(1)).build(), n -> mode.incrementAndGet());

        d.runOnce();
        assertThat(f.takeEventTypes()).as("empty").containsExactly(EMPTY);
        t.later(0);
        assertThat(f.takeEventTypes()).as("later").containsExactly(PUSH);
        d.runOnce();
        assertThat(f.takeEventTypes()).as("success").containsExactly(POP, COMPLETE);
        t.later(1);
        f.takeEventTypes();
        d.runOnce();
        assertThat(f.takeEventTypes()).as("retry under the limit").containsExactly(POP, RETRY, COMPLETE);
        d.runOnce();
        assertThat(f.takeEventTypes()).as("retriable at the limit").containsExactly(POP, ERROR, COMPLETE);
        t.later(2);
        f.takeEventTypes();
        d.runOnce();
        assertThat(f.takeEventTypes()).as("not retried").containsExactly(POP, ERROR, COMPLETE);
        ttl.later(0);
        f.time.advance(Duration.ofMillis(1001));
        f.takeEventTypes();
        d.runOnce();
        assertThat(f.takeEventTypes()).as("expired").containsExactly(POP, EXPIRE, COMPLETE);
        assertThat(mode).hasValue(0);
    }

    @Test
    void eventsCarryTheJobIdTaskAttemptsAndFailure() {
        Deferrable d = f.builder().backoff(Backoff.constant(Duration.ofSeconds(7))).build();
        LaterResult r = d.register("fails", String.class, s -> {
            throw new IOException("disk");
        }).later("x");
        d.runOnce();
        JobEvent retry = f.events.stream().filter(e -> e.type() == RETRY).findFirst().orElseThrow();
        assertThat(retry.jobId()).isEqualTo(r.jobId());
        assertThat(retry.task()).isEqualTo("fails");
        assertThat(retry.attempts()).isEqualTo(1);
        assertThat(retry.delay()).isEqualTo(Duration.ofSeconds(7));
        assertThat(retry.failure()).isInstanceOf(IOException.class).hasMessage("disk");
    }

    @Test
    void aListenerThatThrowsDoesNotBreakTheJobOrTheOtherListeners() {
        List<EventType> seen = new ArrayList<>();
        Deferrable d = f.builder().listener(e -> {
            throw new IllegalStateException("listener bug");
        }).listener(e -> seen.add(e.type())).build();
        AtomicInteger ran = new AtomicInteger();
        d.register("t", Integer.class, n -> ran.incrementAndGet()).later(1);

        assertThat(d.runOnce().status()).isEqualTo(Status.RAN);
        assertThat(ran).hasValue(1);
        assertThat(seen).containsExactly(PUSH, POP, COMPLETE);
    }

    @Test
    void maxAttemptsCountsEveryExecution() {
        Deferrable d = f.builder().backoff(Backoff.none()).build();
        AtomicInteger runs = new AtomicInteger();
        d.register("three", String.class, TaskOptions.builder().maxAttempts(3).build(), s -> {
            runs.incrementAndGet();
            throw new IOException("no");
        }).later("x");

        List<Status> outcomes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            outcomes.add(d.runOnce().status());
        }

        assertThat(outcomes).containsExactly(Status.RETRIED, Status.RETRIED, Status.ERRORED, Status.EMPTY);
        assertThat(runs).hasValue(3);
        assertThat(d.stats()).isEqualTo(new DeferrableStats(0, 0, 0, 1));
        assertThat(d.errors(0, 10).get(0).error().attempts()).isEqualTo(3);
    }

    @Test
    void retriesAndTheErrorQueueKeepTheExactArguments() {
        Deferrable d = f.builder().backoff(Backoff.none()).build();
        List<Email> seen = new ArrayList<>();
        d.register("flaky", Email.class, TaskOptions.builder().maxAttempts(2).build(), e -> {
            seen.add(e);
            throw new IOException("down");
        }).later(new Email("a@example.com", "s\u00fcbject"));

        assertThat(d.runOnce().status()).isEqualTo(Status.RETRIED);
        assertThat(d.runOnce().status()).isEqualTo(Status.ERRORED);

        Email sent = new Email("a@example.com", "s\u00fcbject");
        assertThat(seen).containsExactly(sent, sent);
        ErrorEntry entry = d.errors(0, 10).get(0);
        assertThat(entry.arguments()).isEqualTo("{\"to\":\"a@example.com\",\"subject\":\"s\u00fcbject\"}");
    }

    @Test
    void payloadsWithTheirFieldsInAnotherOrderOrUnknownFieldsStillRun() {
        Deferrable d = f.deferrable();
        List<Email> seen = new ArrayList<>();
        d.register("email.send", Email.class, seen::add);
        f.memory.queue().push(dev.actionqueues.deferred.spi.NewJob.of("by-hand",
                "{\"args\":{\"subject\":\"s\",\"to\":\"t\"},\"extra\":[1,{\"x\":2}],\"task\":\"email.send\","
                        + "\"v\":1,\"attempts\":0,\"first_push_time\":0,\"last_push_time\":0}"));

        assertThat(d.runOnce().status()).isEqualTo(Status.RAN);
        assertThat(seen).containsExactly(new Email("t", "s"));
    }

    @Test
    void aPayloadWhoseNumbersDoNotFitTheirFieldsGoesToTheErrorQueueInsteadOfLooping() {
        Deferrable d = f.builder().backoff(Backoff.none()).build();
        AtomicInteger runs = new AtomicInteger();
        d.register("t", Integer.class, n -> {
            runs.incrementAndGet();
            throw new IOException("fails");
        });
        f.memory.queue().push(dev.actionqueues.deferred.spi.NewJob.of("big-v", "{\"v\":3000000000,\"task\":\"t\",\"args\":1}"));

        RunOutcome outcome = d.runOnce();

        assertThat(outcome.status()).isEqualTo(Status.ERRORED);
        assertThat(outcome.reason()).contains("does not parse");
        assertThat(runs).hasValue(0);
        assertThat(d.stats()).isEqualTo(new DeferrableStats(0, 0, 0, 1));
    }

    @Test
    void aJsonNullArgumentReachesTheHandlerAsItsTypesNullValue() {
        Deferrable d = f.deferrable();
        List<Object> seen = new ArrayList<>();
        d.register("tree", com.fasterxml.jackson.databind.JsonNode.class, seen::add).later(null);
        d.runOnce();
        assertThat(seen).containsExactly(com.fasterxml.jackson.databind.node.NullNode.getInstance());
    }

    @Test
    void maxAttemptsOfOneMeansNoRetry() {
        Deferrable d = f.deferrable();
        d.register("once", String.class, TaskOptions.builder().maxAttempts(1).build(), s -> {
            throw new IOException("no");
        }).later("x");
        assertThat(d.runOnce().status()).isEqualTo(Status.ERRORED);
        assertThat(d.stats().errors()).isEqualTo(1);
    }

    @Test
    void theDefaultIsFiveAttempts() {
        Deferrable d = f.builder().backoff(Backoff.none()).build();
        AtomicInteger runs = new AtomicInteger();
        d.register("five", String.class, s -> {
            runs.incrementAndGet();
            throw new IOException("no");
        }).later("x");
        while (d.runOnce().status() != Status.EMPTY) {
            f.time.advance(Duration.ofSeconds(1));
        }
        assertThat(runs).hasValue(5);
    }

    @Test
    void onlyTheTasksErrorClassesAreRetried() {
        Deferrable d = f.builder().backoff(Backoff.none()).build();
        TaskHandle<String> t = d.register("picky", String.class,
                TaskOptions.builder().retryOn(Transient.class).build(), s -> {
                    if (s.equals("transient")) {
                        throw new Transient("t");
                    }
                    throw new IOException("io");
                });
        t.later("transient");
        assertThat(d.runOnce().status()).isEqualTo(Status.RETRIED);
        f.queue.flush();
        t.later("io");
        RunOutcome o = d.runOnce();
        assertThat(o.status()).isEqualTo(Status.ERRORED);
        assertThat(o.reason()).contains("not retried");
    }

    @Test
    void tasksWithoutErrorClassesUseTheDeferrableDefaults() {
        Deferrable d = f.builder().retryOn(Transient.class).backoff(Backoff.none()).build();
        TaskHandle<String> t = d.register("defaults", String.class, s -> {
            if (s.equals("transient")) {
                throw new Transient("t");
            }
            throw new IOException("io");
        });
        t.later("transient");
        assertThat(d.runOnce().status()).isEqualTo(Status.RETRIED);
        f.queue.flush();
        t.later("io");
        assertThat(d.runOnce().status()).isEqualTo(Status.ERRORED);
    }

    @Test
    void anEmptyRetryListNeverRetries() {
        Deferrable d = f.deferrable();
        d.register("never", String.class, TaskOptions.builder().retryOn().build(), s -> {
            throw new Transient("t");
        }).later("x");
        assertThat(d.runOnce().status()).isEqualTo(Status.ERRORED);
    }

    @Test
    void retriesFollowTheSeedBackoffAndWaitWithoutHoldingAThread() {
        Deferrable d = f.builder().maxAttempts(20).build();
        d.register("backoff", String.class, s -> {
            throw new IOException("again");
        }).later("x");

        for (int i = 0; i < 12; i++) {
            assertThat(d.runOnce().status()).isEqualTo(Status.RETRIED);
            assertThat(d.stats().delayed()).as("waits in the queue, not on a thread").isEqualTo(1);
            Duration delay = f.queue.releaseDelays.get(i);
            f.time.advance(delay.minusMillis(1));
            assertThat(d.runOnce().status()).as("not before its due time").isEqualTo(Status.EMPTY);
            f.time.advance(Duration.ofMillis(1));
        }

        assertThat(f.queue.releaseDelays).extracting(Duration::toSeconds)
                .containsExactly(4L, 6L, 10L, 18L, 34L, 66L, 130L, 258L, 514L, 900L, 900L, 900L);
    }

    @Test
    void aJobPoppedAfterItsTtlIsNotRunAndNotSentToTheErrorQueue() {
        Deferrable d = f.deferrable();
        AtomicInteger runs = new AtomicInteger();
        TaskHandle<String> t = d.register("ttl", String.class, TaskOptions.builder().ttl(Duration.ofSeconds(10)).build(),
                s -> runs.incrementAndGet());
        t.later("on time");
        f.time.advance(Duration.ofSeconds(10));
        assertThat(d.runOnce().status()).as("exactly at the TTL still runs").isEqualTo(Status.RAN);

        t.later("late");
        f.time.advance(Duration.ofMillis(10_001));
        assertThat(d.runOnce().status()).isEqualTo(Status.EXPIRED);

        assertThat(runs).hasValue(1);
        assertThat(d.stats()).isEqualTo(new DeferrableStats(0, 0, 0, 0));
    }

    @Test
    void retriesKeepTheOriginalEnqueueTimeForTheTtl() {
        Deferrable d = f.builder().backoff(Backoff.constant(Duration.ofSeconds(6))).build();
        AtomicInteger runs = new AtomicInteger();
        d.register("ttl-retry", String.class, TaskOptions.builder().ttl(Duration.ofSeconds(10)).build(), s -> {
            runs.incrementAndGet();
            throw new IOException("again");
        }).later("x");
        assertThat(d.runOnce().status()).isEqualTo(Status.RETRIED);
        f.time.advance(Duration.ofSeconds(6));
        assertThat(d.runOnce().status()).isEqualTo(Status.RETRIED);
        f.time.advance(Duration.ofSeconds(6));
        assertThat(d.runOnce().status()).as("12 s after later, over the 10 s TTL").isEqualTo(Status.EXPIRED);
        assertThat(runs).hasValue(2);
    }

    @Test
    void aJobRedeliveredMoreThanItsAttemptsAllowGoesToTheErrorQueueWithoutRunning() throws Exception {
        Deferrable d = f.builder().leaseDuration(Duration.ofSeconds(5)).build();
        AtomicInteger runs = new AtomicInteger();
        d.register("killer", String.class, TaskOptions.builder().maxAttempts(2).build(), s -> runs.incrementAndGet())
                .later("x");
        // Two consumers die holding the job: their leases run out.
        for (int i = 0; i < 2; i++) {
            assertThat(f.queue.claim(Duration.ofSeconds(5), Duration.ZERO)).isPresent();
            f.time.advance(Duration.ofSeconds(6));
        }

        RunOutcome o = d.runOnce();

        assertThat(o.status()).isEqualTo(Status.ERRORED);
        assertThat(o.reason()).contains("delivered 3 times");
        assertThat(runs).hasValue(0);
    }

    @Test
    void anInterruptedJobIsGivenBackWithoutCountingAnAttempt() {
        Deferrable d = f.deferrable();
        d.register("interrupted", String.class, s -> {
            throw new InterruptedException("stop");
        }).later("x");

        RunOutcome o = d.runOnce();

        assertThat(Thread.interrupted()).isTrue();
        assertThat(o.status()).isEqualTo(Status.RELEASED);
        assertThat(d.stats().available()).isEqualTo(1);
        assertThat(f.queue.list(0, 1).get(0).payload()).contains("\"attempts\":0");
    }
}
