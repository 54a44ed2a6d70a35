package dev.actionqueues.testing;

import dev.actionqueues.Action;
import dev.actionqueues.ActionRetryException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The seed's test helpers in one place: a shared counter ("State") and actions that record the
 * counter value at each execute and rollback, explode, or ask for retries.
 */
public final class Recorder {

    private final AtomicInteger counter = new AtomicInteger();
    private final List<String> log = new ArrayList<>();

    public int peek() {
        return counter.get();
    }

    public List<String> log() {
        return List.copyOf(log);
    }

    /** An action that records the counter at each call; behaviour per call decided by the scripts. */
    public final class Recording implements Action {
        private final String name;
        private final Script onExecute;
        private final Script onRollback;
        public final List<Integer> executeStamps = new ArrayList<>();
        public final List<Integer> rollbackStamps = new ArrayList<>();

        Recording(String name, Script onExecute, Script onRollback) {
            this.name = name;
            this.onExecute = onExecute;
            this.onRollback = onRollback;
        }

        @Override
        public void execute() throws Exception {
            executeStamps.add(counter.incrementAndGet());
            log.add(name + ".execute");
            onExecute.call(executeStamps.size());
        }

        @Override
        public void rollback() throws Exception {
            rollbackStamps.add(counter.incrementAndGet());
            log.add(name + ".rollback");
            onRollback.call(rollbackStamps.size());
        }

        public int executions() {
            return executeStamps.size();
        }

        public int rollbacks() {
            return rollbackStamps.size();
        }

        public Integer lastExecute() {
            return executeStamps.isEmpty() ? null : executeStamps.get(executeStamps.size() - 1);
        }

        public Integer lastRollback() {
            return rollbackStamps.isEmpty() ? null : rollbackStamps.get(rollbackStamps.size() - 1);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** What a call does, given its 1-based call number. */
    @FunctionalInterface
    public interface Script {
        void call(int n) throws Exception;
    }

    public static final Script OK = n -> { };

    public static Script explode() {
        return n -> {
            throw new java.io.IOException("boom");
        };
    }

    /** Throws ActionRetryException(delayMs) for the first {@code failures} calls, then succeeds. */
    public static Script retry(int failures, long delayMs) {
        return n -> {
            if (n <= failures) {
                throw new ActionRetryException(delayMs);
            }
        };
    }

    /** Retries {@code failures} times, then throws a plain exception. */
    public static Script retryThenExplode(int failures) {
        return n -> {
            if (n <= failures) {
                throw new ActionRetryException(0);
            }
            throw new IllegalStateException("exploded after " + failures + " retries");
        };
    }

    public Recording mock(String name) {
        return new Recording(name, OK, OK);
    }

    public Recording action(String name, Script onExecute, Script onRollback) {
        return new Recording(name, onExecute, onRollback);
    }
}
