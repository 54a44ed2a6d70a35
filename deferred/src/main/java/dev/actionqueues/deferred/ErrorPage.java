package dev.actionqueues.deferred;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of error-queue entries that match a filter ({@link ErrorQueue#page}). A page reads at
 * most a bounded number of entries, so a filter that matches few of many may return a short page
 * (even an empty one) with a cursor to go on. Immutable.
 *
 * @param entries the matching entries, oldest first
 * @param next the cursor of the next page; empty when the whole queue was read
 * @param scanned how many entries were read to fill this page
 */
public record ErrorPage(List<ErrorEntry> entries, Optional<String> next, int scanned) {

    /**
     * Copies the list.
     *
     * @throws NullPointerException if an argument is null
     */
    public ErrorPage {
        entries = List.copyOf(entries);
        Objects.requireNonNull(next, "next");
    }
}
