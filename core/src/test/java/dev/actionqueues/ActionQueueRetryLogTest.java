package dev.actionqueues;

import static dev.actionqueues.testing.Recorder.OK;
import static dev.actionqueues.testing.Recorder.retry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.actionqueues.retry.Backoff;
import dev.actionqueues.retry.RetryPolicy;
import dev.actionqueues.testing.LogCapture;
import dev.actionqueues.testing.Recorder;
import dev.actionqueues.testing.Recorder.Recording;
import dev.actionqueues.testkit.FakeTime;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries are logged at DEBUG, with one WARN once an action has failed N times in a row (issue 11). */
class ActionQueueRetryLogTest {

    private final Recorder rec = new Recorder();
    private final FakeTime time = new FakeTime();
    private final LogCapture log = new LogCapture(ActionQueue.class);

    @AfterEach
    void stopCapturing() {
        log.close();
    }

    private List<Level> levels() {
        return log.events().stream().map(ILoggingEvent::getLevel).toList();
    }

    @Test
    void retriesAreDebugAndTheThirdFailureInARowIsOneWarnByDefault() {
        Recording r = rec.action("charge", retry(5, 50), OK);

        ActionQueue.builder().sleeper(time).build().add(rec.mock("a")).add(r).execute();

        assertThat(levels()).containsExactly(Level.DEBUG, Level.DEBUG, Level.WARN, Level.DEBUG, Level.DEBUG);
        assertThat(log.messages(Level.DEBUG).get(0))
                .isEqualTo("action 1 (charge): execute failed (1 in a row); retrying in PT0.05S: "
                        + "dev.actionqueues.ActionRetryException: retry requested after 50 ms");
        assertThat(log.messages(Level.WARN)).containsExactly(
                "action 1 (charge): execute has failed 3 times in a row; retrying in PT0.05S");
        assertThat(log.at(Level.WARN).get(0).getThrowableProxy().getClassName())
                .isEqualTo(ActionRetryException.class.getName());
        assertThat(ActionQueue.DEFAULT_WARN_AFTER_FAILURES).isEqualTo(3);
    }

    @Test
    void theThresholdIsPerActionAndPhaseAndConfigurable() {
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(10).backoff(Backoff.none()).build();
        int[] calls = new int[2];
        Action flaky = new Action() {
            @Override
            public void execute() throws Exception {
                if (++calls[0] <= 2) {
                    throw new IOException("execute " + calls[0]);
                }
            }

            @Override
            public void rollback() throws Exception {
                if (++calls[1] <= 3) {
                    throw new IOException("rollback " + calls[1]);
                }
            }

            @Override
            public String toString() {
                return "flaky";
            }
        };
        ActionQueue q = ActionQueue.builder().sleeper(time).warnAfterFailures(2).build().add(flaky, policy)
                .add(rec.action("b", retry(2, 0), OK));

        q.execute();
        q.rollback();

        assertThat(log.messages(Level.WARN)).containsExactly(
                "action 0 (flaky): execute has failed 2 times in a row; retrying in PT0S",
                "action 1 (b): execute has failed 2 times in a row; retrying in PT0S",
                "action 0 (flaky): rollback has failed 2 times in a row; retrying in PT0S");
        assertThat(log.at(Level.DEBUG)).hasSize(4);
    }

    @Test
    void aFailureThatIsNotRetriedIsThrownNotLogged() {
        ActionQueue q = ActionQueue.builder().sleeper(time).warnAfterFailures(1).build()
                .add(rec.action("x", Recorder.explode(), OK));

        assertThatThrownBy(q::execute).isInstanceOf(ActionFailedException.class);

        assertThat(log.events()).isEmpty();
    }

    @Test
    void warnAfterFailuresMustBeAtLeastOne() {
        assertThatThrownBy(() -> ActionQueue.builder().warnAfterFailures(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("warnAfterFailures must be >= 1, was 0");
    }
}
