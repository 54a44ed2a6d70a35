package dev.actionqueues.deferred.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of {@link JobQueue#browse}: the jobs, and the cursor of the next page if there may be
 * one. Keyset pagination: a page never counts the whole queue, and a cursor stays valid while jobs
 * come and go (a job claimed or removed between two pages is simply not shown again). Immutable.
 *
 * @param jobs the jobs, in the state's order
 * @param next the cursor to pass to get the next page; empty on the last page
 */
public record JobPage(List<JobSnapshot> jobs, Optional<String> next) {

    /**
     * Copies the list.
     *
     * @throws NullPointerException if an argument or a job is null
     */
    public JobPage {
        jobs = List.copyOf(jobs);
        Objects.requireNonNull(next, "next");
    }

    /**
     * Returns the page of {@code jobs}, with a next cursor if {@code cursor} is not null.
     *
     * @param jobs the jobs
     * @param cursor the next page's cursor, or null on the last page
     * @return the page
     */
    public static JobPage of(List<JobSnapshot> jobs, String cursor) {
        return new JobPage(jobs, Optional.ofNullable(cursor));
    }
}
