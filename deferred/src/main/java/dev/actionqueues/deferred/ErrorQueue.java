package dev.actionqueues.deferred;

import dev.actionqueues.deferred.JobPayload.ErrorJson;
import dev.actionqueues.deferred.spi.JobPage;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.JobRecord;
import dev.actionqueues.deferred.spi.JobSnapshot;
import dev.actionqueues.deferred.spi.JobState;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The error queue of a {@link Deferrable}'s group, for operators: list and find failed jobs with
 * their errors, replay them into the main queue, delete or purge them. Reached through
 * {@link Deferrable#errors()}.
 *
 * <p>Every method may throw {@link BackendException} if the backend fails. Thread-safe.
 */
public final class ErrorQueue {

    /** How many entries {@link #replayAll()} reads per call to the backend. */
    /** The most entries {@link #page} reads for one page. */
    public static final int SCAN_BUDGET = 2_000;
    private static final int PAGE = 500;

    private final JobQueue main;
    private final JobQueue errors;
    private final Codec codec;
    private final InstantSource clock;

    ErrorQueue(JobQueue main, JobQueue errors, Codec codec, InstantSource clock) {
        this.main = main;
        this.errors = errors;
        this.codec = codec;
        this.clock = clock;
    }

    /**
     * Lists entries, oldest first.
     *
     * @param offset how many to skip, at least 0
     * @param limit how many at most, at least 1
     * @return the entries
     * @throws IllegalArgumentException if an argument is out of range
     * @throws BackendException if the backend failed
     */
    public List<ErrorEntry> list(int offset, int limit) {
        List<ErrorEntry> out = new ArrayList<>();
        for (JobRecord r : errors.list(offset, limit)) {
            out.add(toEntry(r));
        }
        return out;
    }

    /**
     * Finds the entry of one job.
     *
     * @param jobId the job's id
     * @return the entry, or empty if the error queue has none for that id
     * @throws BackendException if the backend failed
     */
    public Optional<ErrorEntry> find(String jobId) {
        Objects.requireNonNull(jobId, "jobId");
        return errors.find(jobId).map(this::toEntry);
    }

    /**
     * Counts the entries.
     *
     * @return how many jobs are in the error queue
     * @throws BackendException if the backend failed
     */
    public long count() {
        return errors.stats().total();
    }

    /**
     * Moves one entry back into the main queue, available at once, with its attempts reset and its
     * TTL counted from now. An entry whose job never parsed is replayed as it was first received.
     *
     * @param jobId the entry's job id
     * @return true if replayed; false if the error queue has no such entry
     * @throws BackendException if the backend failed
     */
    public boolean replay(String jobId) {
        Objects.requireNonNull(jobId, "jobId");
        Optional<JobRecord> entry = errors.find(jobId);
        if (entry.isEmpty()) {
            return false;
        }
        String payload;
        try {
            JobPayload p = codec.read(entry.get().payload());
            payload = p.raw() != null ? p.raw() : codec.write(p.replayed(clock.millis()));
        } catch (Exception e) {
            payload = entry.get().payload();
        }
        return main.replayError(jobId, payload);
    }

    /**
     * Replays every entry that is in the error queue when the call starts; see {@link #replay(String)}.
     *
     * @return how many entries were replayed
     * @throws BackendException if the backend failed
     */
    public int replayAll() {
        List<String> ids = new ArrayList<>();
        for (int offset = 0;; offset += PAGE) {
            List<JobRecord> page = errors.list(offset, PAGE);
            page.forEach(r -> ids.add(r.id()));
            if (page.size() < PAGE) {
                break;
            }
        }
        int replayed = 0;
        for (String id : ids) {
            if (replay(id)) {
                replayed++;
            }
        }
        return replayed;
    }

    /**
     * Returns a page of the entries that match a filter, oldest first, reading at most
     * {@value #SCAN_BUDGET} entries: keyset-paginated, no count of the whole queue.
     *
     * @param filter which entries
     * @param cursor null for the first page, else the previous page's {@link ErrorPage#next()}
     * @param limit how many entries at most, 1 to 1,000
     * @return the page
     * @throws UnsupportedOperationException if the error queue cannot be browsed (SQS)
     * @throws IllegalArgumentException if {@code limit} is out of range or the cursor is not one of this queue's
     * @throws BackendException if the backend failed
     */
    public ErrorPage page(ErrorFilter filter, String cursor, int limit) {
        Objects.requireNonNull(filter, "filter");
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be between 1 and 1000, was " + limit);
        }
        List<ErrorEntry> out = new ArrayList<>();
        int scanned = 0;
        String next = cursor;
        do {
            // never more than the entries still wanted, so the page ends exactly at a chunk's end
            JobPage chunk = errors.browse(JobState.WAITING, next, Math.min(PAGE, limit - out.size()));
            for (JobSnapshot j : chunk.jobs()) {
                ErrorEntry e = toEntry(new JobRecord(j.id(), j.payload()));
                if (filter.matches(e)) {
                    out.add(e);
                }
            }
            scanned += chunk.jobs().size();
            next = chunk.next().orElse(null);
        } while (next != null && out.size() < limit && scanned < SCAN_BUDGET);
        return new ErrorPage(out, Optional.ofNullable(next), scanned);
    }

    /**
     * The ids of the entries that match a filter, oldest first, at most {@code cap} of them.
     *
     * @return the ids, and whether more entries may match
     */
    Matches matching(ErrorFilter filter, int cap) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            ErrorPage page = page(filter, cursor, Math.min(PAGE, cap - ids.size()));
            page.entries().forEach(e -> ids.add(e.jobId()));
            cursor = page.next().orElse(null);
        } while (cursor != null && ids.size() < cap);
        return new Matches(ids, cursor != null);
    }

    /** Ids that matched a filter, and whether the scan stopped at the cap before the queue's end. */
    record Matches(List<String> ids, boolean more) {
    }

    /**
     * Deletes one entry.
     *
     * @param jobId the entry's job id
     * @return true if deleted; false if the error queue has no such entry
     * @throws BackendException if the backend failed
     */
    public boolean delete(String jobId) {
        Objects.requireNonNull(jobId, "jobId");
        return errors.remove(jobId);
    }

    /**
     * Deletes every entry.
     *
     * @throws BackendException if the backend failed
     */
    public void purge() {
        errors.flush();
    }

    ErrorEntry toEntry(JobRecord r) {
        try {
            JobPayload p = codec.read(r.payload());
            ErrorJson e = p.error();
            JobError error = e == null ? null : new JobError(e.type(), e.text(), e.traceback(), e.hostname(),
                    Instant.ofEpochMilli(e.ts()), e.reason(), e.attempts());
            return new ErrorEntry(r.id(), p.task(), p.raw() != null ? null : String.valueOf(p.args()), error,
                    r.payload());
        } catch (Exception e) {
            return new ErrorEntry(r.id(), null, null, null, r.payload());
        }
    }

    @Override
    public String toString() {
        return "ErrorQueue[" + errors + "]";
    }
}
