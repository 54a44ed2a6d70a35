package dev.actionqueues.deferred;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import dev.actionqueues.deferred.RunOutcome.Status;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.retry.Backoff;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What running a job logs, at which level, with or without a stack trace (issue 11). */
class JobLogLevelsTest {

    private final Fixture f = new Fixture();
    private final Deferrable d = f.builder().backoff(Backoff.none()).build();
    private final LogCapture log = new LogCapture(Deferrable.class);

    @AfterEach
    void stopCapturing() {
        log.close();
    }

    private ILoggingEvent onlyEvent() {
        assertThat(log.events()).hasSize(1);
        return log.events().get(0);
    }

    private static void assertOneLineWithoutStackTrace(ILoggingEvent e) {
        assertThat(e.getThrowableProxy()).as("no stack trace").isNull();
        assertThat(e.getFormattedMessage()).as("one line").doesNotContain("\n", "\r");
    }

    @Test
    void aPayloadThatDoesNotParseIsOneWarnLineWithTheJobIdAndTheReason() {
        f.memory.queue().push(NewJob.of("garbage-1", "{{{"));

        assertThat(d.runOnce().status()).isEqualTo(Status.ERRORED);

        ILoggingEvent e = onlyEvent();
        assertThat(e.getLevel()).isEqualTo(Level.WARN);
        assertThat(e.getFormattedMessage()).contains("garbage-1", "the payload does not parse as a job");
        assertOneLineWithoutStackTrace(e);
    }

    @Test
    void anUnknownTaskIsOneWarnLineWithTheJobIdAndTheReason() {
        f.memory.queue().push(NewJob.of("stray-1", "{\"v\":1,\"task\":\"nobody\",\"args\":1}"));

        assertThat(d.runOnce().status()).isEqualTo(Status.ERRORED);

        ILoggingEvent e = onlyEvent();
        assertThat(e.getLevel()).isEqualTo(Level.WARN);
        assertThat(e.getFormattedMessage()).contains("stray-1", "unknown task 'nobody'");
        assertOneLineWithoutStackTrace(e);
    }

    @Test
    void argumentsThatDoNotFitTheirTypeAreOneWarnLineWithTheJobIdAndTheReason() {
        d.register("count", Integer.class, n -> { });
        f.memory.queue().push(NewJob.of("misfit-1", "{\"v\":1,\"task\":\"count\",\"args\":\"many\"}"));

        assertThat(d.runOnce().status()).isEqualTo(Status.ERRORED);

        ILoggingEvent e = onlyEvent();
        assertThat(e.getLevel()).isEqualTo(Level.WARN);
        assertThat(e.getFormattedMessage()).contains("misfit-1", "the arguments do not fit java.lang.Integer");
        assertOneLineWithoutStackTrace(e);
        assertThat(d.errors().find("misfit-1").orElseThrow().error().stackTrace())
                .as("the entry keeps the whole story").isNotNull();
    }

    @Test
    void aThousandMalformedEntriesWriteAThousandShortLines() {
        for (int i = 0; i < 1000; i++) {
            f.memory.queue().push(NewJob.of("bad-" + i, "not json " + i));
        }
        while (d.runOnce().status() != Status.EMPTY) {
            f.events.clear();
        }
        assertThat(log.events()).hasSize(1000).allMatch(e -> e.getLevel() == Level.WARN);
        long written = log.events().stream().mapToLong(e -> e.getFormattedMessage().length()
                + (e.getThrowableProxy() == null ? 0 : ThrowableProxyUtil.asString(e.getThrowableProxy()).length()))
                .sum();
        assertThat(written).as("characters written, stack traces included").isLessThan(500_000);
    }

    @Test
    void aHandlerFailureSentToTheErrorQueueIsAWarnWithItsStackTrace() {
        d.register("fails", String.class, TaskOptions.builder().maxAttempts(1).build(), s -> {
            throw new IOException("disk full");
        }).later("x");

        d.runOnce();

        ILoggingEvent e = onlyEvent();
        assertThat(e.getLevel()).isEqualTo(Level.WARN);
        assertThat(e.getFormattedMessage()).contains("sent to the error queue");
        assertThat(e.getThrowableProxy().getMessage()).isEqualTo("disk full");
    }

    @Test
    void aRetryIsInfo() {
        d.register("flaky", String.class, s -> {
            throw new IOException("again");
        }).later("x");

        assertThat(d.runOnce().status()).isEqualTo(Status.RETRIED);

        assertThat(onlyEvent().getLevel()).isEqualTo(Level.INFO);
        assertThat(onlyEvent().getFormattedMessage()).contains("retrying", "again");
    }

    @Test
    void aTtlExpiryIsInfo() {
        d.register("short", String.class, TaskOptions.builder().ttl(Duration.ofSeconds(1)).build(), s -> { })
                .later("x");
        f.time.advance(Duration.ofSeconds(2));

        assertThat(d.runOnce().status()).isEqualTo(Status.EXPIRED);

        List<String> info = log.messages(Level.INFO);
        assertThat(info).singleElement().asString().contains("expired");
        assertThat(log.at(Level.WARN)).isEmpty();
    }
}
