package dev.actionqueues.deferred.memory;

import dev.actionqueues.deferred.spi.JobPage;
import dev.actionqueues.deferred.spi.JobSnapshot;
import dev.actionqueues.deferred.spi.JobState;
import java.util.ArrayList;
import java.util.List;

/**
 * Pages over the entries of one state for {@code browse}. A cursor is the push sequence number of
 * the last entry shown; the next page starts after that entry, or, if it has left the state
 * meanwhile, at the front again (for ready entries, those before a claimed one were claimed too).
 * The in-memory queue is small enough that a page scans its state's entries.
 */
final class MemoryBrowse {

    private MemoryBrowse() {
    }

    static JobPage page(List<MemoryEntry> entries, JobState state, String cursor, int limit) {
        int start = 0;
        if (cursor != null) {
            long seq = parse(cursor);
            start = -1;
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).seq == seq) {
                    start = i + 1;
                    break;
                }
            }
            if (start < 0) {
                start = 0;
            }
        }
        List<JobSnapshot> out = new ArrayList<>(Math.min(limit, entries.size()));
        int end = Math.min(entries.size(), start + limit);
        for (int i = start; i < end; i++) {
            MemoryEntry e = entries.get(i);
            out.add(new JobSnapshot(e.id, e.payload, state, e.due, e.leaseExpiry, e.deliveries));
        }
        String next = end < entries.size() ? Long.toString(entries.get(end - 1).seq) : null;
        return JobPage.of(out, next);
    }

    private static long parse(String cursor) {
        try {
            return Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a cursor of this queue: " + cursor);
        }
    }
}
