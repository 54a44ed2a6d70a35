package dev.actionqueues.deferred;

import dev.actionqueues.deferred.JobPayload.ErrorJson;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.JobRecord;
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

    private ErrorEntry toEntry(JobRecord r) {
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
