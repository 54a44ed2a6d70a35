package dev.actionqueues.deferred;

import static dev.actionqueues.deferred.OutageLog.Call.CLAIM;
import static dev.actionqueues.deferred.OutageLog.Call.COMPLETE;
import static dev.actionqueues.deferred.OutageLog.Call.RENEW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.actionqueues.testkit.FakeTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One WARN when an outage starts, DEBUG during it, one INFO with its duration when it ends; on fake time. */
class OutageLogTest {

    private final FakeTime time = new FakeTime();
    private final OutageLog outages = new OutageLog("w1", time);
    private final LogCapture log = new LogCapture(Worker.class);

    @AfterEach
    void stopCapturing() {
        log.close();
    }

    private List<Level> levels() {
        return log.events().stream().map(ILoggingEvent::getLevel).toList();
    }

    @Test
    void anOutageIsOneWarnThenDebugThenOneInfoWithItsDuration() {
        BackendException down = new BackendException("connection refused");

        outages.failed(CLAIM, "claiming from group 'g'", down);
        for (int i = 0; i < 9; i++) {
            time.advance(Duration.ofMillis(1500));
            outages.failed(CLAIM, "claiming from group 'g'", down);
        }
        time.advance(Duration.ofMillis(1500));
        outages.succeeded(CLAIM);
        outages.succeeded(CLAIM);

        assertThat(levels()).containsExactly(Level.WARN, Level.DEBUG, Level.DEBUG, Level.DEBUG, Level.DEBUG,
                Level.DEBUG, Level.DEBUG, Level.DEBUG, Level.DEBUG, Level.DEBUG, Level.INFO);
        ILoggingEvent warn = log.events().get(0);
        assertThat(warn.getFormattedMessage())
                .startsWith("Worker w1: the backend failed while claiming from group 'g'");
        assertThat(warn.getThrowableProxy().getMessage()).isEqualTo("connection refused");
        assertThat(log.events().get(9).getFormattedMessage()).contains("10 failed calls in PT13.5S");
        assertThat(log.events().get(9).getThrowableProxy()).isNotNull();
        assertThat(log.messages(Level.INFO))
                .containsExactly("Worker w1: the backend answers again after PT15S (10 failed calls)");
        assertThat(outages.inOutage()).isFalse();
    }

    @Test
    void successesWithoutAnOutageLogNothingAndTheNextOutageWarnsAgain() {
        outages.succeeded(CLAIM);
        outages.failed(RENEW, "renewing the lease of job 1", new BackendException("timeout"));
        time.advance(Duration.ofSeconds(2));
        outages.succeeded(RENEW);
        outages.succeeded(RENEW);
        outages.failed(COMPLETE, "completing job 2", new BackendException("timeout"));

        assertThat(levels()).containsExactly(Level.WARN, Level.INFO, Level.WARN);
        assertThat(log.messages(Level.INFO))
                .containsExactly("Worker w1: the backend answers again after PT2S (1 failed calls)");
    }

    @Test
    void onlyASuccessOfAKindOfCallThatFailedEndsTheOutage() {
        outages.failed(COMPLETE, "completing job 1", new BackendException("script error"));
        outages.succeeded(CLAIM);
        outages.failed(COMPLETE, "completing job 2", new BackendException("script error"));
        outages.succeeded(CLAIM);
        assertThat(outages.inOutage()).as("claims work, completions do not: still one outage").isTrue();

        outages.failed(CLAIM, "claiming", new BackendException("down"));
        time.advance(Duration.ofSeconds(1));
        outages.succeeded(CLAIM);

        assertThat(levels()).containsExactly(Level.WARN, Level.DEBUG, Level.DEBUG, Level.INFO);
        assertThat(outages.inOutage()).isFalse();
    }

    @Test
    void threadsFailingTogetherGiveOneWarn() throws Exception {
        int threads = 16;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            started.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                outages.failed(CLAIM, "claiming", new BackendException("down"));
            }));
        }
        go.countDown();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (Thread t : started) {
                t.join();
            }
        });
        outages.succeeded(CLAIM);

        assertThat(log.at(Level.WARN)).hasSize(1);
        assertThat(log.at(Level.DEBUG)).hasSize(threads - 1);
        assertThat(log.messages(Level.INFO)).singleElement().asString().endsWith("(16 failed calls)");
    }
}
