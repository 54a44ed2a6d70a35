package dev.actionqueues;

import java.util.Objects;

/**
 * One step with a side effect, and the way to undo it. An {@link ActionQueue} calls
 * {@link #execute()} in the order the actions were added and, on {@link ActionQueue#rollback()},
 * calls {@link #rollback()} in reverse order on every action whose {@code execute} was called.
 *
 * <p>An action is a single object so that it can remember what it did (say, the id of the row it
 * inserted) and undo exactly that. Either method may throw {@link ActionRetryException} to be
 * called again after the exception's backoff.
 *
 * <p>Thread-safety is up to the implementation; a queue calls an action from one thread at a time.
 */
@FunctionalInterface
public interface Action {

    /**
     * Performs the side effect.
     *
     * @throws ActionRetryException to be called again after its backoff
     * @throws Exception any other exception fails the queue's {@code execute()}
     */
    void execute() throws Exception;

    /**
     * Undoes what {@link #execute()} did. Called even when {@code execute} threw, so it must cope
     * with a partial or absent effect. The default does nothing.
     *
     * @throws ActionRetryException to be called again after its backoff
     * @throws Exception recorded in the {@link RollbackReport}; earlier actions are still rolled back
     */
    default void rollback() throws Exception {
    }

    /**
     * A step that can throw, for lambdas.
     */
    @FunctionalInterface
    interface Step {
        /**
         * Runs the step.
         *
         * @throws Exception on failure
         */
        void run() throws Exception;
    }

    /**
     * An action from an execute lambda and a rollback lambda.
     *
     * @param execute performs the side effect
     * @param rollback undoes it
     * @return the action
     * @throws NullPointerException if either is null
     */
    static Action of(Step execute, Step rollback) {
        return of(null, execute, rollback);
    }

    /**
     * A named action from an execute lambda and a rollback lambda; the name appears in
     * {@code toString()} and so in exceptions, reports and listener calls.
     *
     * @param name a short description, or null
     * @param execute performs the side effect
     * @param rollback undoes it
     * @return the action
     * @throws NullPointerException if {@code execute} or {@code rollback} is null
     */
    static Action of(String name, Step execute, Step rollback) {
        Objects.requireNonNull(execute, "execute");
        Objects.requireNonNull(rollback, "rollback");
        return new LambdaAction(name, execute, rollback);
    }
}

/** The action behind {@link Action#of}. */
record LambdaAction(String name, Action.Step executeStep, Action.Step rollbackStep) implements Action {
    @Override
    public void execute() throws Exception {
        executeStep.run();
    }

    @Override
    public void rollback() throws Exception {
        rollbackStep.run();
    }

    @Override
    public String toString() {
        return name != null ? name : "Action@" + Integer.toHexString(System.identityHashCode(this));
    }
}
