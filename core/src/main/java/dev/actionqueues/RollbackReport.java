package dev.actionqueues;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ActionQueue#rollback()} did: one entry per action whose {@code rollback} was called,
 * in the order they were called (the reverse of execution), each with the exception its rollback
 * ended with, if any. Immutable and thread-safe.
 *
 * @param entries the rollbacks, in the order they were called
 */
public record RollbackReport(List<Entry> entries) {

    /**
     * Copies the entries.
     *
     * @throws NullPointerException if {@code entries} or one of them is null
     */
    public RollbackReport {
        entries = List.copyOf(entries);
    }

    /**
     * The rollback of one action.
     *
     * @param index the action's position in its queue, from 0
     * @param action the action
     * @param attempts how many times its {@code rollback} was called (more than 1 after retries)
     * @param failure the exception the last call threw, or null if the rollback succeeded
     */
    public record Entry(int index, Action action, int attempts, Throwable failure) {
        /**
         * Checks the fields.
         *
         * @throws NullPointerException if {@code action} is null
         */
        public Entry {
            Objects.requireNonNull(action, "action");
        }

        /** Returns whether this rollback succeeded. */
        public boolean succeeded() {
            return failure == null;
        }

        /** Returns the exception the rollback ended with, if it failed. */
        public Optional<Throwable> failureCause() {
            return Optional.ofNullable(failure);
        }
    }

    /** Returns the actions whose rollback succeeded, in the order they were rolled back. */
    public List<Action> rolledBack() {
        return entries.stream().filter(Entry::succeeded).map(Entry::action).toList();
    }

    /** Returns the rollbacks that failed, in the order they were called. */
    public List<Entry> failures() {
        return entries.stream().filter(e -> !e.succeeded()).toList();
    }

    /** Returns true if every rollback succeeded. */
    public boolean isClean() {
        return entries.stream().allMatch(Entry::succeeded);
    }
}
