package dev.actionqueues;

import dev.actionqueues.retry.RetryDecision;
import dev.actionqueues.retry.RetryPolicy;
import dev.actionqueues.retry.Sleeper;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a sequence of {@link Action}s in order and, when asked, undoes the ones that ran, in
 * reverse order.
 *
 * <p>Life cycle: {@link #add(Action)} any number of actions, {@link #execute()} once, then
 * optionally {@link #rollback()} once, after a failed or a successful execute. {@link #run()} does
 * both in one call: execute and, on failure, roll back and throw. Calls out of this order throw
 * {@link IllegalStateException} and change nothing.
 *
 * <p>Retries: an action that throws {@link ActionRetryException} is called again after the
 * exception's backoff, for as long as it keeps throwing it (the action sets the limit, the queue
 * has none). An action added with a {@link RetryPolicy} is also retried on the exceptions the policy
 * retries, with the policy's backoff and limits. Every wait goes through the queue's
 * {@link Sleeper}; if the thread is interrupted while waiting, retrying stops, the interrupt flag
 * stays set and the call fails with an {@link InterruptedException} as its cause.
 *
 * <p>Each retry is logged at DEBUG; the retry that follows an action's
 * {@link Builder#warnAfterFailures(int) warnAfterFailures}-th failure in a row (of its execute, or
 * of its rollback) is logged at WARN with the exception instead, once. A failure that is not
 * retried is not logged here: it is thrown, or recorded in the rollback report.
 *
 * <p>Rollback failures never stop the rollback of earlier actions: each is logged at WARN,
 * reported to listeners and recorded in the returned {@link RollbackReport}. {@link Error}s are not
 * caught.
 *
 * <p>Thread-safety: state changes are atomic, so a queue may be handed between threads and
 * concurrent misuse is rejected rather than corrupting it; the actions themselves run on the thread
 * that called {@code execute} or {@code rollback}.
 */
public final class ActionQueue {

    /** How many failures in a row of one action make its retry a WARN, unless set. */
    public static final int DEFAULT_WARN_AFTER_FAILURES = 3;

    private static final Logger LOG = LoggerFactory.getLogger(ActionQueue.class);

    private enum State {
        NEW("not executed yet"),
        EXECUTING("executing"),
        EXECUTED("executed successfully"),
        FAILED("executed with a failure"),
        ROLLING_BACK("rolling back"),
        ROLLED_BACK("rolled back");

        private final String text;

        State(String text) {
            this.text = text;
        }
    }

    private record Slot(Action action, RetryPolicy policy) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final List<Slot> slots = new ArrayList<>();
    private final Sleeper sleeper;
    private final InstantSource clock;
    private final RetryPolicy defaultPolicy;
    private final ActionQueueListener[] listeners;
    private final int warnAfterFailures;
    private State state = State.NEW;
    private int executedCount;

    /**
     * An empty queue with the system sleeper and clock, no listeners and no retry policy, like
     * {@code builder().build()}. This constructor freezes those defaults: it exists for parity with
     * the Python {@code actionqueues} library this package ports, and new settings go to
     * {@link #builder()} only.
     */
    public ActionQueue() {
        this(new Builder());
    }

    private ActionQueue(Builder b) {
        this.sleeper = b.sleeper;
        this.clock = b.clock;
        this.defaultPolicy = b.retryPolicy;
        this.listeners = b.listeners.toArray(new ActionQueueListener[0]);
        this.warnAfterFailures = b.warnAfterFailures;
    }

    /**
     * A builder for a queue with a custom sleeper, clock, listeners or default retry policy.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Appends an action, retried only when it throws {@link ActionRetryException} (or per the
     * builder's default policy, if one was set).
     *
     * @param action the action
     * @return this queue
     * @throws NullPointerException if {@code action} is null
     * @throws IllegalStateException if {@code execute()} was already called
     */
    public ActionQueue add(Action action) {
        return add(action, defaultPolicy);
    }

    /**
     * Appends an action whose failed {@code execute} and {@code rollback} calls are retried per
     * {@code policy} (each counted separately), besides {@link ActionRetryException}.
     *
     * @param action the action
     * @param policy the retry policy, or null for none
     * @return this queue
     * @throws NullPointerException if {@code action} is null
     * @throws IllegalStateException if {@code execute()} was already called
     */
    public ActionQueue add(Action action, RetryPolicy policy) {
        Objects.requireNonNull(action, "action");
        lock.lock();
        try {
            if (state != State.NEW) {
                throw new IllegalStateException("cannot add an action: the queue is already " + state.text);
            }
            slots.add(new Slot(action, policy));
        } finally {
            lock.unlock();
        }
        return this;
    }

    /** Returns the number of actions added. */
    public int size() {
        lock.lock();
        try {
            return slots.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Calls {@code execute} on each action in the order added, stopping at the first that fails
     * for good. An empty queue executes and does nothing.
     *
     * @throws ActionFailedException if an action failed; later actions were not executed
     * @throws IllegalStateException if {@code execute()} was already called
     */
    public void execute() {
        transition(State.NEW, null, State.EXECUTING, "execute");
        boolean ok = false;
        int executed = 0;
        try {
            List<Slot> all = slots;
            int n = all.size();
            boolean observed = listeners.length > 0;
            for (int i = 0; i < n; i++) {
                Slot slot = all.get(i);
                executed = i + 1;
                Throwable failure;
                int attempts = 1;
                if (observed) {
                    Attempts result = call(i, slot, Phase.EXECUTE, null);
                    failure = result.failure;
                    attempts = result.attempts;
                } else {
                    // Fast path: one plain call; the retry machinery only starts on an exception.
                    try {
                        slot.action.execute();
                        continue;
                    } catch (Exception first) {
                        failure = call(i, slot, Phase.EXECUTE, first).failure;
                    }
                }
                if (failure != null) {
                    Throwable cause = failure;
                    int index = i;
                    fire(l -> l.actionFailed(index, slot.action, cause));
                    throw new ActionFailedException(slot.action, i, failure, null);
                }
                if (observed) {
                    int index = i;
                    int made = attempts;
                    fire(l -> l.actionExecuted(index, slot.action, made));
                }
            }
            ok = true;
        } finally {
            executedCount = executed;
            setState(ok ? State.EXECUTED : State.FAILED);
        }
    }

    /**
     * Calls {@code rollback} on every action whose {@code execute} was called, including one that
     * failed, in reverse order. A failing rollback is logged at WARN and recorded, and the earlier
     * actions are still rolled back.
     *
     * @return what was rolled back and which rollbacks failed
     * @throws IllegalStateException if {@code execute()} has not been called, is still running, or
     *     {@code rollback()} was already called
     */
    public RollbackReport rollback() {
        transition(State.EXECUTED, State.FAILED, State.ROLLING_BACK, "roll back");
        List<RollbackReport.Entry> entries = new ArrayList<>(executedCount);
        try {
            for (int i = executedCount - 1; i >= 0; i--) {
                int index = i;
                Slot slot = slots.get(i);
                Attempts result = call(i, slot, Phase.ROLLBACK, null);
                entries.add(new RollbackReport.Entry(i, slot.action, result.attempts, result.failure));
                if (result.failure == null) {
                    fire(l -> l.actionRolledBack(index, slot.action));
                } else {
                    LOG.warn("rollback of action {} ({}) failed after {} attempt(s); rolling back earlier actions",
                            i, slot.action, result.attempts, result.failure);
                    fire(l -> l.rollbackFailed(index, slot.action, result.failure));
                }
            }
        } finally {
            setState(State.ROLLED_BACK);
        }
        return new RollbackReport(entries);
    }

    /**
     * Executes the queue and, if an action fails, rolls back and throws: the common case in one
     * call.
     *
     * @throws ActionFailedException if an action failed; its
     *     {@link ActionFailedException#rollbackReport()} tells how the rollback went
     * @throws IllegalStateException if the queue was already executed
     */
    public void run() {
        try {
            execute();
        } catch (ActionFailedException e) {
            throw e.withRollbackReport(rollback());
        }
    }

    private record Attempts(int attempts, Throwable failure) {
    }

    private static final Attempts FIRST_TRY = new Attempts(1, null);

    /**
     * Calls the action's method until it succeeds or fails for good. When {@code firstFailure} is
     * given, the first attempt has already been made (by the fast path) and threw it.
     */
    private Attempts call(int index, Slot slot, Phase phase, Exception firstFailure) {
        Action action = slot.action;
        RetryPolicy policy = slot.policy;
        Instant start = null;
        int attempt = 1;
        Exception pending = firstFailure;
        if (pending != null && policy != null) {
            start = clock.instant();
        }
        while (true) {
            if (pending == null && listeners.length > 0) {
                int current = attempt;
                fire(l -> l.actionStarted(index, action, phase, current));
            }
            Duration delay;
            Exception failure;
            try {
                if (pending != null) {
                    Exception e = pending;
                    pending = null;
                    throw e;
                }
                if (phase == Phase.EXECUTE) {
                    action.execute();
                } else {
                    action.rollback();
                }
                return attempt == 1 ? FIRST_TRY : new Attempts(attempt, null);
            } catch (ActionRetryException retry) {
                failure = retry;
                delay = retry.backoff();
            } catch (Exception e) {
                failure = e;
                if (policy == null) {
                    return new Attempts(attempt, e);
                }
                if (start == null) {
                    start = clock.instant();
                }
                Duration elapsed = Duration.between(start, clock.instant());
                RetryDecision decision = policy.decide(attempt, e, elapsed.isNegative() ? Duration.ZERO : elapsed);
                if (!decision.retry()) {
                    return new Attempts(attempt, e);
                }
                delay = decision.delay();
            }
            if (start == null && policy != null) {
                start = clock.instant();
            }
            logRetry(index, action, phase, attempt, delay, failure);
            if (listeners.length > 0) {
                Duration wait = delay;
                Exception retried = failure;
                int failed = attempt;
                fire(l -> l.retryScheduled(index, action, phase, failed, wait, retried));
            }
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                InterruptedException stopped = new InterruptedException("interrupted while waiting " + delay
                        + " to retry " + phase.name().toLowerCase(Locale.ROOT) + " of action " + index
                        + " (" + action + ") after attempt " + attempt + "; retrying stopped");
                stopped.addSuppressed(failure);
                return new Attempts(attempt, stopped);
            }
            attempt++;
        }
    }

    /** DEBUG for a retry; WARN, with the exception, for the one after the threshold's failure in a row. */
    private void logRetry(int index, Action action, Phase phase, int failures, Duration delay, Exception failure) {
        String what = phase.name().toLowerCase(Locale.ROOT);
        if (failures == warnAfterFailures) {
            LOG.warn("action {} ({}): {} has failed {} times in a row; retrying in {}", index, action, what, failures,
                    delay, failure);
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("action {} ({}): {} failed ({} in a row); retrying in {}: {}", index, action, what, failures,
                    delay, failure.toString());
        }
    }

    private void transition(State from, State orFrom, State to, String what) {
        lock.lock();
        try {
            if (state != from && state != orFrom) {
                throw new IllegalStateException("cannot " + what + ": the queue is " + state.text);
            }
            state = to;
        } finally {
            lock.unlock();
        }
    }

    private void setState(State to) {
        lock.lock();
        try {
            state = to;
        } finally {
            lock.unlock();
        }
    }

    /** Calls each listener with the event; a listener that throws is logged and skipped. */
    private void fire(Consumer<ActionQueueListener> event) {
        for (ActionQueueListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                listenerFailed(l, e);
            }
        }
    }

    private static void listenerFailed(ActionQueueListener listener, RuntimeException e) {
        LOG.warn("action queue listener {} threw; ignoring it", listener, e);
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "ActionQueue[" + state.text + ", " + slots.size() + " action(s)]";
        } finally {
            lock.unlock();
        }
    }

    /**
     * Builds an {@link ActionQueue}. {@link #build()} copies the settings, so a builder can make
     * many queues. Not thread-safe.
     */
    public static final class Builder {
        private Sleeper sleeper = Sleeper.system();
        private InstantSource clock = InstantSource.system();
        private RetryPolicy retryPolicy;
        private final List<ActionQueueListener> listeners = new ArrayList<>();
        private int warnAfterFailures = DEFAULT_WARN_AFTER_FAILURES;

        private Builder() {
        }

        /**
         * Sets what waits between retries; a fake one makes tests instant.
         *
         * @param sleeper the sleeper
         * @return this builder
         * @throws NullPointerException if {@code sleeper} is null
         */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * Sets the clock used for a retry policy's maximum elapsed time.
         *
         * @param clock the clock
         * @return this builder
         * @throws NullPointerException if {@code clock} is null
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the retry policy for actions added without one.
         *
         * @param policy the policy, or null for none
         * @return this builder
         */
        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = policy;
            return this;
        }

        /**
         * Sets after how many failures in a row of one action (its execute, or its rollback) the
         * retry is logged at WARN, once, instead of DEBUG.
         *
         * @param failures at least 1; default {@value ActionQueue#DEFAULT_WARN_AFTER_FAILURES}
         * @return this builder
         * @throws IllegalArgumentException if {@code failures < 1}
         */
        public Builder warnAfterFailures(int failures) {
            if (failures < 1) {
                throw new IllegalArgumentException("warnAfterFailures must be >= 1, was " + failures);
            }
            this.warnAfterFailures = failures;
            return this;
        }

        /**
         * Adds a listener.
         *
         * @param listener the listener
         * @return this builder
         * @throws NullPointerException if {@code listener} is null
         */
        public Builder listener(ActionQueueListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Creates an empty queue.
         *
         * @return the queue
         */
        public ActionQueue build() {
            return new ActionQueue(this);
        }
    }
}
