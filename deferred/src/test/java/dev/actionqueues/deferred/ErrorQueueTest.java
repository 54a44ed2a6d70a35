package dev.actionqueues.deferred;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actionqueues.deferred.RunOutcome.Status;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.retry.Backoff;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ErrorQueueTest {

    private final Fixture f = new Fixture();

    @Test
    void anEntryCarriesTheJobAndTheErrorTypeMessageStackTraceHostTimeReasonAndAttempts() {
        Deferrable d = f.builder().backoff(Backoff.none()).build();
        LaterResult r = d.register("broken", String.class, TaskOptions.builder().maxAttempts(2).build(), s -> {
            throw new IOException("disk full");
        }).later("payload-arg");
        d.runOnce();
        f.time.advance(Duration.ofSeconds(3));
        d.runOnce();

        ErrorEntry e = d.errors(0, 10).get(0);
        assertThat(e.jobId()).isEqualTo(r.jobId());
        assertThat(e.task()).isEqualTo("broken");
        assertThat(e.arguments()).isEqualTo("\"payload-arg\"");
        assertThat(e.error().type()).isEqualTo("java.io.IOException");
        assertThat(e.error().message()).isEqualTo("disk full");
        assertThat(e.error().stackTrace()).contains("java.io.IOException: disk full").contains("ErrorQueueTest");
        assertThat(e.error().host()).isEqualTo("test-host");
        assertThat(e.error().time()).isEqualTo(f.time.instant());
        assertThat(e.error().reason()).contains("failed 2 times");
        assertThat(e.error().attempts()).isEqualTo(2);
        assertThat(e.toString()).doesNotContain("payload-arg");
    }

    @Test
    void replayingAnEntryResetsItsAttemptsAndRunsItAgain() {
        Deferrable d = f.builder().backoff(Backoff.none()).build();
        AtomicBoolean fail = new AtomicBoolean(true);
        AtomicInteger runs = new AtomicInteger();
        LaterResult r = d.register("flaky", String.class, TaskOptions.builder().maxAttempts(2).build(), s -> {
            runs.incrementAndGet();
            if (fail.get()) {
                throw new IOException("down");
            }
        }).later("x");
        d.runOnce();
        d.runOnce();
        assertThat(d.stats().errors()).isEqualTo(1);

        assertThat(d.replayError(r.jobId())).isTrue();
        assertThat(d.replayError(r.jobId())).isFalse();
        assertThat(d.stats()).isEqualTo(new DeferrableStats(1, 0, 0, 0));
        assertThat(d.runOnce().status()).as("attempts were reset: a retry is left").isEqualTo(Status.RETRIED);
        fail.set(false);
        assertThat(d.runOnce().status()).isEqualTo(Status.RAN);
        assertThat(runs).hasValue(4);
    }

    @Test
    void replayAllMovesEveryEntryBackAndPurgeDeletesThem() {
        Deferrable d = f.deferrable();
        TaskHandle<String> t = d.register("bad", String.class, TaskOptions.builder().maxAttempts(1).build(), s -> {
            throw new IOException("no");
        });
        for (int i = 0; i < 3; i++) {
            t.later("x" + i);
            d.runOnce();
        }
        assertThat(d.errors(0, 10)).hasSize(3);
        assertThat(d.errors(1, 1)).hasSize(1);

        assertThat(d.replayAllErrors()).isEqualTo(3);
        assertThat(d.stats()).isEqualTo(new DeferrableStats(3, 0, 0, 0));
        for (int i = 0; i < 3; i++) {
            d.runOnce();
        }
        assertThat(d.stats().errors()).isEqualTo(3);

        d.purgeErrors();
        assertThat(d.stats()).isEqualTo(new DeferrableStats(0, 0, 0, 0));
        assertThat(d.errors(0, 10)).isEmpty();
    }

    @Test
    void anUnknownTaskGoesToTheErrorQueueWithAReason() {
        Deferrable producer = f.deferrable();
        producer.register("only.on.producer", String.class, s -> { }).later("x");
        Deferrable consumer = Deferrable.builder(f.backend).clock(f.time).build();

        RunOutcome o = consumer.runOnce();

        assertThat(o.status()).isEqualTo(Status.ERRORED);
        assertThat(o.reason()).isEqualTo("unknown task 'only.on.producer'");
        assertThat(consumer.errors(0, 1).get(0).error().type()).isNull();
    }

    @Test
    void anUnparseablePayloadIsKeptVerbatimAndReplayedAsItWas() {
        Deferrable d = f.deferrable();
        f.queue.push(NewJob.of("garbage-1", "\u0000not json at all"));

        RunOutcome o = d.runOnce();

        assertThat(o.status()).isEqualTo(Status.ERRORED);
        assertThat(o.reason()).startsWith("the payload does not parse as a job");
        ErrorEntry e = d.errors(0, 1).get(0);
        assertThat(e.task()).isNull();
        assertThat(e.error().reason()).startsWith("the payload does not parse");
        assertThat(d.replayError("garbage-1")).isTrue();
        assertThat(f.queue.find("garbage-1").orElseThrow().payload()).isEqualTo("\u0000not json at all");
    }

    @Test
    void argumentsThatDoNotFitTheHandlersTypeGoToTheErrorQueue() {
        Deferrable producer = f.deferrable();
        producer.register("typed", String.class, s -> { }).later("not a number");
        Deferrable consumer = Deferrable.builder(f.backend).clock(f.time).build();
        AtomicInteger runs = new AtomicInteger();
        consumer.register("typed", Integer.class, n -> runs.incrementAndGet());

        RunOutcome o = consumer.runOnce();

        assertThat(o.status()).isEqualTo(Status.ERRORED);
        assertThat(o.reason()).contains("do not fit java.lang.Integer");
        assertThat(runs).hasValue(0);
    }

    @Test
    void theErrorQueueFindsCountsAndDeletesEntriesOneByOne() {
        Deferrable d = f.builder().build();
        TaskHandle<String> t = d.register("fatal", String.class, TaskOptions.builder().retryOn().build(), s -> {
            throw new IOException("no");
        });
        LaterResult first = t.later("a");
        LaterResult second = t.later("b");
        d.runOnce();
        d.runOnce();
        ErrorQueue errors = d.errors();

        assertThat(errors.count()).isEqualTo(2);
        assertThat(errors.find(first.jobId())).hasValueSatisfying(e -> {
            assertThat(e.arguments()).isEqualTo("\"a\"");
            assertThat(e.error().reason()).contains("not retried");
        });
        assertThat(errors.find("no-such-job")).isEmpty();
        assertThat(errors.delete(first.jobId())).isTrue();
        assertThat(errors.delete(first.jobId())).isFalse();
        assertThat(errors.list(0, 10)).extracting(ErrorEntry::jobId).containsExactly(second.jobId());
        assertThat(errors.count()).isEqualTo(1);
        assertThat(d.stats()).isEqualTo(new DeferrableStats(0, 0, 0, 1));
        errors.purge();
        assertThat(errors.count()).isZero();
    }
}
