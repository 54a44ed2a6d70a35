package dev.actionqueues.deferred;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of {@link QueueAdmin#jobs}: the jobs and the cursor of the next page. Immutable.
 *
 * @param jobs the jobs, in the state's order
 * @param next the cursor of the next page; empty on the last page
 */
public record JobViewPage(List<JobView> jobs, Optional<String> next) {

    /**
     * Copies the list.
     *
     * @throws NullPointerException if an argument is null
     */
    public JobViewPage {
        jobs = List.copyOf(jobs);
        Objects.requireNonNull(next, "next");
    }
}
