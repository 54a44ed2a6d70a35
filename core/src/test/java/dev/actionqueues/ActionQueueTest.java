package dev.actionqueues;

import static dev.actionqueues.testing.Recorder.OK;
import static dev.actionqueues.testing.Recorder.explode;
import static dev.actionqueues.testing.Recorder.retry;
import static dev.actionqueues.testing.Recorder.retryThenExplode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import dev.actionqueues.testing.LogCapture;
import dev.actionqueues.testing.Recorder;
import dev.actionqueues.testing.Recorder.Recording;
import dev.actionqueues.testkit.FakeTime;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The seed's test suite (section 1.3 of the spec) plus the numbered semantics of issue 2. */
class ActionQueueTest {

    private final Recorder rec = new Recorder();
    private final FakeTime time = new FakeTime();

    private ActionQueue queue(Action... actions) {
        ActionQueue q = ActionQueue.builder().sleeper(time).build();
        for (Action a : actions) {
            q.add(a);
        }
        return q;
    }

    // --- Semantic 1: order, stop at the first failure, wrapped exception ---

    @Test
    void executesActionsInTheOrderAdded() {
        Recording a = rec.mock("a");
        Recording b = rec.mock("b");
        queue(a, b).execute();
        assertThat(a.executeStamps).containsExactly(1);
        assertThat(b.executeStamps).containsExactly(2);
    }

    @Test
    void failureStopsTheRunAndIsWrappedWithTheFailingActionAndIndex() {
        Recording a = rec.mock("a");
        Recording b = rec.mock("b");
        Recording boom = rec.action("boom", explode(), OK);
        Recording d = rec.mock("d");
        ActionQueue q = queue(a, b, boom, d);

        ActionFailedException e = catchThrowableOfType(ActionFailedException.class, q::execute);

        assertThat(e.getCause()).isInstanceOf(IOException.class).hasMessage("boom");
        assertThat(e.index()).isEqualTo(2);
        assertThat(e.action()).isSameAs(boom);
        assertThat(e.getMessage()).contains("action 2", "boom");
        assertThat(e.rollbackReport()).isEmpty();
        assertThat(d.executions()).isZero();
        assertThat(boom.executions()).isEqualTo(1);
    }

    @Test
    void causeIsExactlyTheLastExceptionTheActionThrew() {
        IllegalStateException last = new IllegalStateException("last");
        Action a = () -> {
            throw last;
        };
        ActionFailedException e = catchThrowableOfType(ActionFailedException.class, queue(a)::execute);
        assertThat(e.getCause()).isSameAs(last);
    }

    // --- Semantic 2: rollback in reverse, including the failed action, never the unexecuted ---

    @Test
    void rollbackAfterSuccessRunsInReverseOrder() {
        Recording a = rec.mock("a");
        Recording b = rec.mock("b");
        ActionQueue q = queue(a, b);
        q.execute();
        RollbackReport report = q.rollback();
        assertThat(b.rollbackStamps).containsExactly(3);
        assertThat(a.rollbackStamps).containsExactly(4);
        assertThat(report.rolledBack()).containsExactly(b, a);
        assertThat(report.isClean()).isTrue();
    }

    @Test
    void rollbackAfterFailureIncludesTheFailedActionButNotLaterOnes() {
        Recording a = rec.mock("a");
        Recording b = rec.mock("b");
        Recording boom = rec.action("boom", explode(), OK);
        Recording d = rec.mock("d");
        ActionQueue q = queue(a, b, boom, d);
        assertThatThrownBy(q::execute).isInstanceOf(ActionFailedException.class);

        RollbackReport report = q.rollback();

        assertThat(rec.log()).containsExactly("a.execute", "b.execute", "boom.execute",
                "boom.rollback", "b.rollback", "a.rollback");
        assertThat(d.rollbacks()).isZero();
        assertThat(report.entries()).extracting(RollbackReport.Entry::index).containsExactly(2, 1, 0);
    }

    // --- Semantic 3: a failing rollback does not stop the others; reported and logged at WARN ---

    @Test
    void failingRollbackIsRecordedLoggedAndEarlierActionsAreStillRolledBack() {
        Recording a = rec.mock("a");
        IOException rollbackFailure = new IOException("cannot undo");
        Recording b = rec.action("b", OK, n -> {
            throw rollbackFailure;
        });
        Recording c = rec.mock("c");
        ActionQueue q = queue(a, b, c);
        q.execute();

        RollbackReport report;
        try (LogCapture log = new LogCapture(ActionQueue.class)) {
            report = q.rollback();
            assertThat(log.at(Level.WARN)).singleElement().satisfies(event -> {
                assertThat(event.getFormattedMessage()).contains("rollback of action 1 (b) failed");
                assertThat(event.getThrowableProxy().getMessage()).isEqualTo("cannot undo");
            });
        }

        assertThat(a.rollbacks()).isEqualTo(1);
        assertThat(c.rollbacks()).isEqualTo(1);
        assertThat(report.isClean()).isFalse();
        assertThat(report.failures()).singleElement().satisfies(f -> {
            assertThat(f.action()).isSameAs(b);
            assertThat(f.index()).isEqualTo(1);
            assertThat(f.failure()).isSameAs(rollbackFailure);
        });
        assertThat(report.rolledBack()).containsExactly(c, a);
    }

    // --- Semantic 4: ActionRetryException retries the same method after its backoff ---

    @Test
    void retryExceptionRetriesExecuteUntilSuccessWithItsBackoff() {
        Recording a = rec.mock("a");
        Recording b = rec.mock("b");
        Recording r = rec.action("r", retry(5, 50), OK);
        Recording d = rec.mock("d");
        queue(a, b, r, d).execute();
        assertThat(r.lastExecute()).isEqualTo(8);
        assertThat(r.executions()).isEqualTo(6);
        assertThat(d.lastExecute()).isEqualTo(9);
        assertThat(time.sleepsMillis()).containsExactly(50L, 50L, 50L, 50L, 50L);
    }

    @Test
    void retryThenExplodeFailsAfterTheRetriesAndLaterActionsNeverRun() {
        Recording a = rec.mock("a");
        Recording b = rec.mock("b");
        Recording r = rec.action("r", retryThenExplode(5), OK);
        Recording d = rec.mock("d");
        ActionQueue q = queue(a, b, r, d);
        ActionFailedException e = catchThrowableOfType(ActionFailedException.class, q::execute);
        assertThat(e.getCause()).isInstanceOf(IllegalStateException.class);
        assertThat(r.lastExecute()).isEqualTo(8);
        assertThat(d.executions()).isZero();
        q.rollback();
        assertThat(rec.log().subList(rec.log().size() - 3, rec.log().size()))
                .containsExactly("r.rollback", "b.rollback", "a.rollback");
        assertThat(d.rollbacks()).isZero();
    }

    @Test
    void retryExceptionRetriesRollbackToo() {
        Recording a = rec.mock("a");
        Recording b = rec.mock("b");
        Recording r = rec.action("r", OK, retry(5, 50));
        Recording d = rec.mock("d");
        ActionQueue q = queue(a, b, r, d);
        q.execute();
        RollbackReport report = q.rollback();
        assertThat(d.lastRollback()).isEqualTo(5);
        assertThat(r.lastRollback()).isEqualTo(11);
        assertThat(b.lastRollback()).isEqualTo(12);
        assertThat(a.lastRollback()).isEqualTo(13);
        assertThat(report.entries().get(1).attempts()).isEqualTo(6);
        assertThat(time.sleepsMillis()).containsExactly(50L, 50L, 50L, 50L, 50L);
    }

    @Test
    void eachRetryUsesTheBackoffOfItsOwnException() {
        long[] delays = {0, 7, 300};
        int[] calls = {0};
        Action a = () -> {
            int n = calls[0]++;
            if (n < delays.length) {
                throw new ActionRetryException(delays[n]);
            }
        };
        queue(a).execute();
        assertThat(time.sleepsMillis()).containsExactly(0L, 7L, 300L);
    }

    @Test
    void retriesAreNotCappedByTheQueue() {
        Recording r = rec.action("r", retry(10_000, 0), OK);
        queue(r).execute();
        assertThat(r.executions()).isEqualTo(10_001);
    }

    // --- Semantic 5: state rules ---

    @Test
    void executeTwiceIsRejected() {
        ActionQueue q = queue(rec.mock("a"));
        q.execute();
        assertThatThrownBy(q::execute).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot execute").hasMessageContaining("executed successfully");
    }

    @Test
    void executeAfterAFailedExecuteIsRejected() {
        Recording boom = rec.action("boom", explode(), OK);
        ActionQueue q = queue(boom);
        assertThatThrownBy(q::execute).isInstanceOf(ActionFailedException.class);
        assertThatThrownBy(q::execute).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("executed with a failure");
        assertThat(boom.executions()).isEqualTo(1);
    }

    @Test
    void addAfterExecuteIsRejectedAndChangesNothing() {
        Recording a = rec.mock("a");
        ActionQueue q = queue(a);
        q.execute();
        assertThatThrownBy(() -> q.add(rec.mock("late"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot add");
        assertThat(q.size()).isEqualTo(1);
        assertThat(q.rollback().entries()).hasSize(1);
    }

    @Test
    void rollbackBeforeExecuteIsRejectedAndChangesNothing() {
        Recording a = rec.mock("a");
        ActionQueue q = queue(a);
        assertThatThrownBy(q::rollback).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot roll back").hasMessageContaining("not executed yet");
        q.execute();
        assertThat(a.executions()).isEqualTo(1);
    }

    @Test
    void rollbackTwiceIsRejected() {
        Recording a = rec.mock("a");
        ActionQueue q = queue(a);
        q.execute();
        q.rollback();
        assertThatThrownBy(q::rollback).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("rolled back");
        assertThat(a.rollbacks()).isEqualTo(1);
    }

    @Test
    void emptyQueueExecutesAndRollsBackToNothing() {
        ActionQueue q = new ActionQueue();
        q.execute();
        assertThat(q.rollback().entries()).isEmpty();
    }

    @Test
    void nullActionIsRejected() {
        assertThatThrownBy(() -> new ActionQueue().add(null)).isInstanceOf(NullPointerException.class);
    }

    // --- Semantic 6: interrupted while sleeping for a backoff ---

    @Test
    void interruptDuringBackoffStopsRetryingKeepsTheFlagAndFailsWithAClearCause() {
        Recording r = rec.action("r", n -> {
            Thread.currentThread().interrupt();
            throw new ActionRetryException(1000);
        }, OK);
        ActionQueue q = queue(r, rec.mock("next"));
        try {
            ActionFailedException e = catchThrowableOfType(ActionFailedException.class, q::execute);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(r.executions()).isEqualTo(1);
            assertThat(e.getCause()).isInstanceOf(InterruptedException.class)
                    .hasMessageContaining("interrupted while waiting").hasMessageContaining("retrying stopped");
            assertThat(e.getCause().getSuppressed()).singleElement().isInstanceOf(ActionRetryException.class);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void interruptedRollbackRecordsTheFailureAndStillCallsEarlierRollbacksOnce() {
        Recording a = rec.mock("a");
        Recording r = rec.action("r", OK, n -> {
            Thread.currentThread().interrupt();
            throw new ActionRetryException(10);
        });
        ActionQueue q = queue(a, r);
        q.execute();
        try {
            RollbackReport report = q.rollback();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(report.failures()).singleElement()
                    .satisfies(f -> assertThat(f.failure()).isInstanceOf(InterruptedException.class));
            assertThat(a.rollbacks()).isEqualTo(1);
            assertThat(r.rollbacks()).isEqualTo(1);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void realSleeperIsInterruptible() throws Exception {
        ActionQueue q = new ActionQueue().add(() -> {
            throw new ActionRetryException(60_000);
        });
        Throwable[] thrown = new Throwable[1];
        boolean[] flag = new boolean[1];
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                q.execute();
            } catch (Throwable e) {
                thrown[0] = e;
                flag[0] = Thread.currentThread().isInterrupted();
            }
        });
        org.awaitility.Awaitility.await().until(() -> t.getState() == Thread.State.TIMED_WAITING);
        t.interrupt();
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(thrown[0]).isInstanceOf(ActionFailedException.class)
                .cause().isInstanceOf(InterruptedException.class);
        assertThat(flag[0]).isTrue();
    }

    // --- Beyond the seed: run() ---

    @Test
    void runRollsBackOnFailureAndAttachesTheReport() {
        Recording a = rec.mock("a");
        Recording boom = rec.action("boom", explode(), OK);
        ActionQueue q = queue(a, boom);
        ActionFailedException e = catchThrowableOfType(ActionFailedException.class, q::run);
        assertThat(e.getCause()).hasMessage("boom");
        assertThat(e.index()).isEqualTo(1);
        assertThat(e.rollbackReport()).hasValueSatisfying(r -> assertThat(r.rolledBack()).containsExactly(boom, a));
        assertThat(e.getMessage()).contains("rolled back 2 action(s)");
        assertThatThrownBy(q::rollback).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void runOnSuccessDoesNotRollBack() {
        Recording a = rec.mock("a");
        ActionQueue q = queue(a);
        q.run();
        assertThat(a.rollbacks()).isZero();
        assertThat(q.rollback().rolledBack()).containsExactly(a);
    }

    @Test
    void actionOfUsesBothLambdasAndItsName() throws Exception {
        List<String> calls = new java.util.ArrayList<>();
        Action a = Action.of("billing", () -> calls.add("x"), () -> calls.add("undo"));
        a.execute();
        a.rollback();
        assertThat(calls).containsExactly("x", "undo");
        assertThat(a).hasToString("billing");
        assertThatThrownBy(() -> Action.of(null, () -> { })).isInstanceOf(NullPointerException.class);
    }

    @Test
    void defaultRollbackDoesNothing() throws Exception {
        Action a = () -> { };
        a.rollback();
        ActionQueue q = queue(a);
        q.execute();
        assertThat(q.rollback().isClean()).isTrue();
    }

    @Test
    void errorsAreNotCaughtButLeaveTheQueueRollbackable() {
        Recording a = rec.mock("a");
        Action err = () -> {
            throw new AssertionError("fatal");
        };
        ActionQueue q = queue(a, err);
        assertThatThrownBy(q::execute).isInstanceOf(AssertionError.class);
        assertThat(q.rollback().entries()).hasSize(2);
    }
}
