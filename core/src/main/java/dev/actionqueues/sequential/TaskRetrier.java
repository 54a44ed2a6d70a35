package dev.actionqueues.sequential;

import dev.actionqueues.retry.RetryDecision;
import dev.actionqueues.retry.RetryPolicy;
import dev.actionqueues.retry.Sleeper;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task of a {@link SequentialExecutor} until it succeeds, gives up or the executor stops.
 * The {@link RetryPolicy} decides what follows each failure; this class only acts on the decision:
 * it waits through the {@link Sleeper} and tells the listener and the give-up handler. Used by the
 * executor's one thread only.
 */
final class TaskRetrier {

    /** The executor's logger: what users configure is the executor's category. */
    private static final Logger LOG = LoggerFactory.getLogger(SequentialExecutor.class);

    /**
     * What the policy is told when a task returned false without throwing (it needs a failure to
     * judge); the listener and the give-up handler still get {@code null}, as documented.
     */
    private static final Throwable RETURNED_FALSE = new ReturnedFalse();

    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final GiveUpHandler giveUpHandler;
    private final SequentialExecutorListener listener;
    private final BooleanSupplier stopped;
    private final int warnAfterFailures;

    /**
     * Creates the retrier of one executor.
     *
     * @param policy decides after each failure; its {@code maxAttempts} is the executor's default limit
     * @param sleeper waits between attempts
     * @param giveUpHandler called when a task gives up; null logs a WARN line instead
     * @param listener told of every attempt; may be null
     * @param stopped whether the executor was stopped (checked before and after each attempt)
     * @param warnAfterFailures after how many failures in a row of one task its retry is a WARN
     */
    TaskRetrier(RetryPolicy policy, Sleeper sleeper, GiveUpHandler giveUpHandler,
            SequentialExecutorListener listener, BooleanSupplier stopped, int warnAfterFailures) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.giveUpHandler = giveUpHandler;
        this.listener = listener;
        this.stopped = Objects.requireNonNull(stopped, "stopped");
        this.warnAfterFailures = warnAfterFailures;
    }

    /** Returns the attempt limit of tasks scheduled without their own. */
    int defaultMaxAttempts() {
        return policy.maxAttempts();
    }

    /**
     * Runs {@code task} until it succeeds or has failed {@code maxAttempts} times. The first attempt
     * is immediate; a stray interrupt is cleared after each attempt so it cannot cut the next wait
     * short, and an interrupt during a wait ends the run only if the executor was stopped.
     *
     * @return false if the executor was stopped before the task finished
     */
    boolean run(Task task, int maxAttempts) {
        RetryPolicy limited = maxAttempts == policy.maxAttempts()
                ? policy : policy.toBuilder().maxAttempts(maxAttempts).build();
        for (int attempt = 1; ; attempt++) {
            if (stopped.getAsBoolean()) {
                return false;
            }
            int current = attempt;
            notifyListener(l -> l.attemptStarted(task, current));
            boolean ok = false;
            Throwable failure = null;
            try {
                ok = task.run();
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable t) {
                failure = t;
            }
            if (stopped.getAsBoolean()) {
                return false;
            }
            Thread.interrupted(); // a stray interrupt must not cut the next wait short
            if (ok) {
                notifyListener(l -> l.succeeded(task, current));
                return true;
            }
            Throwable last = failure;
            RetryDecision decision = limited.decide(attempt, last != null ? last : RETURNED_FALSE);
            if (!decision.retry()) {
                notifyListener(l -> l.gaveUp(task, current, last));
                giveUp(task, current, last);
                return true;
            }
            Duration delay = decision.delay();
            logRetry(task, current, last, delay);
            notifyListener(l -> l.retryScheduled(task, current, last, delay));
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException e) {
                if (stopped.getAsBoolean()) {
                    return false;
                }
            }
        }
    }

    /**
     * DEBUG for a retry; WARN, with the exception, for the one after the threshold's failure in a
     * row. {@code last} is null when the task returned false.
     */
    private void logRetry(Task task, int failures, Throwable last, Duration delay) {
        if (failures == warnAfterFailures) {
            LOG.warn("task {} has failed {} times in a row; retrying in {}", task, failures, delay, last);
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("task {} failed ({} in a row); retrying in {}: {}", task, failures, delay,
                    last == null ? "it returned false" : last.toString());
        }
    }

    private void giveUp(Task task, int attempts, Throwable last) {
        if (giveUpHandler == null) {
            LOG.warn("task {} gave up after {} attempt(s); moving on to the next task", task, attempts, last);
            return;
        }
        try {
            giveUpHandler.gaveUp(task, attempts, last);
        } catch (RuntimeException e) {
            LOG.warn("give-up handler threw for task {}; ignoring it", task, e);
        }
    }

    private void notifyListener(Consumer<SequentialExecutorListener> event) {
        if (listener == null) {
            return;
        }
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            LOG.warn("sequential executor listener threw; ignoring it", e);
        }
    }

    /** The stackless stand-in for "returned false"; it never leaves this class. */
    private static final class ReturnedFalse extends RuntimeException {
        ReturnedFalse() {
            super("the task returned false", null, false, false);
        }
    }
}
