package dev.actionqueues;

import java.util.Objects;
import java.util.Optional;

/**
 * Thrown by {@link ActionQueue#execute()} and {@link ActionQueue#run()} when an action's
 * {@code execute} fails. {@link #getCause()} is exactly the exception the action threw last, or an
 * {@link InterruptedException} if the thread was interrupted while waiting to retry (the action's
 * last exception is then attached to it as suppressed). It also tells which action failed and its
 * position, and, when thrown by {@link ActionQueue#run()}, carries the report of the rollback.
 *
 * <p>Immutable; safe to share.
 */
public class ActionFailedException extends ActionQueuesException {

    private static final long serialVersionUID = 1L;

    private final transient Action action;
    private final int index;
    private final transient RollbackReport rollbackReport;

    /**
     * Creates the exception for the action at {@code index} whose {@code execute} failed for good.
     *
     * @param action the action whose execute failed
     * @param index its position in the queue, from 0
     * @param cause the exception it threw last
     * @param rollbackReport the report of the rollback that followed, or null if none ran
     */
    public ActionFailedException(Action action, int index, Throwable cause, RollbackReport rollbackReport) {
        super(message(action, index, cause, rollbackReport), Objects.requireNonNull(cause, "cause"));
        this.action = Objects.requireNonNull(action, "action");
        this.index = index;
        this.rollbackReport = rollbackReport;
    }

    /** Returns the action whose {@code execute} failed. */
    public Action action() {
        return action;
    }

    /** Returns the position of the failed action in its queue, from 0. */
    public int index() {
        return index;
    }

    /** Returns the report of the rollback that {@link ActionQueue#run()} performed, if it did. */
    public Optional<RollbackReport> rollbackReport() {
        return Optional.ofNullable(rollbackReport);
    }

    ActionFailedException withRollbackReport(RollbackReport report) {
        ActionFailedException e = new ActionFailedException(action, index, getCause(), report);
        e.setStackTrace(getStackTrace());
        return e;
    }

    private static String message(Action action, int index, Throwable cause, RollbackReport report) {
        StringBuilder sb = new StringBuilder("action ").append(index).append(" (").append(action)
                .append(") failed: ").append(cause);
        if (report != null) {
            sb.append("; rolled back ").append(report.entries().size()).append(" action(s)");
            if (!report.failures().isEmpty()) {
                sb.append(", ").append(report.failures().size()).append(" rollback(s) failed");
            }
        }
        return sb.toString();
    }
}
