package dev.actionqueues.deferred;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actionqueues.deferred.ErrorQueue.Matches;
import dev.actionqueues.deferred.spi.JobPage;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.JobSnapshot;
import dev.actionqueues.deferred.spi.JobState;
import dev.actionqueues.deferred.spi.QueueStats;
import dev.actionqueues.deferred.spi.WorkerRecord;
import dev.actionqueues.deferred.spi.WorkerRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What operators do with a group's queue without writing a handler: read its depth, browse its
 * jobs by state, delete one or make a delayed one due now, and work the error queue by filter
 * (page, replay, delete, in bulk up to a cap). The {@code actionqueues} command and the dashboard
 * are built on it. Every change is logged at INFO with the operator's name and told to the
 * listeners as an {@link EventType#OPERATOR} event (metadata {@code action}, {@code operator},
 * {@code count}, and {@code filter} for bulk actions). Reached from {@link Deferrable#admin()};
 * thread-safe and immutable.
 *
 * <p>Browsing needs a backend that can inspect its queues (in-memory, Redis, PostgreSQL); on SQS
 * only {@link #overview()} works and the rest throws {@link UnsupportedOperationException}.
 */
public final class QueueAdmin {

    /** The default and largest number of entries one bulk call acts on. */
    public static final int MAX_BULK = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(QueueAdmin.class);

    private final String group;
    private final JobQueue queue;
    private final ErrorQueue errors;
    private final WorkerRegistry workers;
    private final Codec codec;
    private final JobEvents events;
    private final InstantSource clock;
    private final String operator;

    QueueAdmin(String group, JobQueue queue, ErrorQueue errors, WorkerRegistry workers, Codec codec,
            JobEvents events, InstantSource clock, String operator) {
        this.group = group;
        this.queue = queue;
        this.errors = errors;
        this.workers = workers;
        this.codec = codec;
        this.events = events;
        this.clock = clock;
        this.operator = operator;
    }

    /**
     * Returns a view of this admin whose actions are logged and reported under an operator's name.
     *
     * @param name who acts: a user name, "cli", "dashboard:alice"
     * @return the view
     * @throws IllegalArgumentException if {@code name} is blank or longer than 200 characters
     */
    public QueueAdmin actingAs(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException("operator name must be 1-200 characters, not blank");
        }
        return new QueueAdmin(group, queue, errors, workers, codec, events, clock, name.strip());
    }

    /**
     * Returns the group.
     *
     * @return the group whose queue this is
     */
    public String group() {
        return group;
    }

    /**
     * Returns the operator's name actions are reported under.
     *
     * @return the name ("unknown" unless {@link #actingAs} named one)
     */
    public String operator() {
        return operator;
    }

    /**
     * Reads the queue's depth by state and the age of its oldest waiting job.
     *
     * @return the overview
     * @throws BackendException if the backend failed
     */
    public QueueOverview overview() {
        QueueStats s = queue.stats();
        long errorCount = errors.count();
        Instant now = clock.instant();
        Optional<Duration> oldest = Optional.empty();
        if (s.available() > 0 && queue.capabilities().inspection()) {
            List<JobSnapshot> first = queue.browse(JobState.WAITING, null, 1).jobs();
            if (!first.isEmpty()) {
                JobView v = view(first.get(0));
                Instant since = v.dueAt() != null ? v.dueAt() : v.pushedAt();
                if (since != null) {
                    Duration age = Duration.between(since, now);
                    oldest = Optional.of(age.isNegative() ? Duration.ZERO : age);
                }
            }
        }
        return new QueueOverview(group, s.available(), s.delayed(), s.inFlight(), errorCount, oldest, now);
    }

    /**
     * Returns the workers of this group seen within {@code seenWithin}, ordered by name, as their
     * heartbeats recorded them in the backend's worker registry: name, host, concurrency, jobs in
     * flight, when started and last seen. Empty on a backend that keeps no registry (SQS).
     *
     * @param seenWithin how recent a worker's last heartbeat must be, positive
     * @return the workers seen
     * @throws IllegalArgumentException if {@code seenWithin} is not positive
     * @throws BackendException if the backend failed
     */
    public List<WorkerRecord> workers(Duration seenWithin) {
        Objects.requireNonNull(seenWithin, "seenWithin");
        if (seenWithin.isNegative() || seenWithin.isZero()) {
            throw new IllegalArgumentException("seenWithin must be positive, was " + seenWithin);
        }
        return workers == null ? List.of() : workers.list(seenWithin);
    }

    /**
     * Returns a page of the main queue's jobs in one state: waiting ones in claim order, delayed ones
     * by due time, jobs in flight by lease expiry.
     *
     * @param state which jobs
     * @param cursor null for the first page, else the previous page's {@link JobViewPage#next()}
     * @param limit how many at most, 1 to 1,000
     * @return the page
     * @throws UnsupportedOperationException if the backend cannot browse
     * @throws IllegalArgumentException if {@code limit} is out of range or the cursor is not one of this queue's
     * @throws BackendException if the backend failed
     */
    public JobViewPage jobs(JobState state, String cursor, int limit) {
        JobPage page = queue.browse(state, cursor, limit);
        List<JobView> out = new ArrayList<>(page.jobs().size());
        page.jobs().forEach(j -> out.add(view(j)));
        return new JobViewPage(out, page.next());
    }

    /**
     * Finds a job of the main queue that is not in flight.
     *
     * @param id the job id
     * @return the job, whose state is {@link JobState#WAITING} whether it is due or not (the backend
     *     finds it among both), or empty
     * @throws BackendException if the backend failed
     */
    public Optional<JobView> job(String id) {
        Objects.requireNonNull(id, "id");
        return queue.find(id).map(r -> view(new JobSnapshot(r.id(), r.payload(), JobState.WAITING, null, null, 0)));
    }

    /**
     * Deletes a waiting or delayed job of the main queue.
     *
     * @param id the job id
     * @return true if deleted; false if no such job waits (it may be running)
     * @throws BackendException if the backend failed
     */
    public boolean deleteJob(String id) {
        Objects.requireNonNull(id, "id");
        return acted("delete job", id, null, queue.remove(id));
    }

    /**
     * Makes a delayed job due now.
     *
     * @param id the job id
     * @return true if done; false if no delayed job has that id
     * @throws UnsupportedOperationException if the backend cannot
     * @throws BackendException if the backend failed
     */
    public boolean runNow(String id) {
        Objects.requireNonNull(id, "id");
        return acted("run now", id, null, queue.runNow(id));
    }

    /**
     * Returns a page of the error queue's entries that match a filter; see {@link ErrorQueue#page}.
     *
     * @param filter which entries
     * @param cursor null for the first page, else the previous page's {@link ErrorPage#next()}
     * @param limit how many entries at most, 1 to 1,000
     * @return the page
     * @throws BackendException if the backend failed
     */
    public ErrorPage errors(ErrorFilter filter, String cursor, int limit) {
        return errors.page(filter, cursor, limit);
    }

    /**
     * Finds the error-queue entry of a job.
     *
     * @param id the job id
     * @return the entry, or empty
     * @throws BackendException if the backend failed
     */
    public Optional<ErrorEntry> error(String id) {
        return errors.find(id);
    }

    /**
     * Moves a failed job back into the queue, attempts reset; see {@link ErrorQueue#replay(String)}.
     *
     * @param id the job id
     * @return true if replayed; false if the error queue has no such entry
     * @throws BackendException if the backend failed
     */
    public boolean replay(String id) {
        return acted("replay", id, null, errors.replay(id));
    }

    /**
     * Deletes a failed job for good.
     *
     * @param id the job id
     * @return true if deleted; false if the error queue has no such entry
     * @throws BackendException if the backend failed
     */
    public boolean deleteError(String id) {
        return acted("delete error", id, null, errors.delete(id));
    }

    /**
     * Replays the failed jobs that match a filter, oldest first, at most {@code cap} of them.
     *
     * @param filter which entries
     * @param cap the most to replay, 1 to {@link #MAX_BULK}
     * @return how many were replayed, and whether more may match
     * @throws BackendException if the backend failed
     */
    public BulkResult replayMatching(ErrorFilter filter, int cap) {
        return bulk("replay", filter, cap, errors::replay);
    }

    /**
     * Deletes the failed jobs that match a filter, oldest first, at most {@code cap} of them.
     *
     * @param filter which entries
     * @param cap the most to delete, 1 to {@link #MAX_BULK}
     * @return how many were deleted, and whether more may match
     * @throws BackendException if the backend failed
     */
    public BulkResult deleteMatching(ErrorFilter filter, int cap) {
        return bulk("delete errors", filter, cap, errors::delete);
    }

    /**
     * Deletes every entry of the error queue.
     *
     * @return how many entries there were just before
     * @throws BackendException if the backend failed
     */
    public long purgeErrors() {
        long n = errors.count();
        errors.purge();
        report("purge errors", null, n, null);
        return n;
    }

    private BulkResult bulk(String action, ErrorFilter filter, int cap, Predicate<String> each) {
        Objects.requireNonNull(filter, "filter");
        if (cap < 1 || cap > MAX_BULK) {
            throw new IllegalArgumentException("cap must be between 1 and " + MAX_BULK + ", was " + cap);
        }
        Matches m = errors.matching(filter, cap);
        int done = 0;
        for (String id : m.ids()) {
            if (each.test(id)) {
                done++;
            }
        }
        report(action, null, done, filter);
        return new BulkResult(done, cap, m.more());
    }

    private boolean acted(String action, String id, ErrorFilter filter, boolean done) {
        if (done) {
            report(action, id, 1, filter);
        }
        return done;
    }

    private void report(String action, String jobId, long count, ErrorFilter filter) {
        LOG.info("operator {} on group {}: {} {}{}", operator, group, action,
                jobId != null ? "job " + jobId : count + " job(s)", filter == null ? "" : " matching " + filter);
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("action", action);
        md.put("operator", operator);
        md.put("count", count);
        if (filter != null) {
            md.put("filter", filter.toString());
        }
        events.emit(EventType.OPERATOR, jobId, null, 0, Duration.ZERO, md, null);
    }

    private JobView view(JobSnapshot j) {
        try {
            JobPayload p = codec.read(j.payload());
            Map<String, String> md = new LinkedHashMap<>();
            if (p.metadata() != null) {
                for (Map.Entry<String, JsonNode> e : p.metadata().entrySet()) {
                    md.put(e.getKey(), String.valueOf(e.getValue()));
                }
            }
            return new JobView(j.id(), j.state(), p.task(), p.raw() != null ? null : String.valueOf(p.args()), md,
                    p.attempts(), p.firstPushTime() > 0 ? Instant.ofEpochMilli(p.firstPushTime()) : null,
                    j.dueAt(), j.leaseExpiresAt(), j.deliveries(), j.payload());
        } catch (Exception e) {
            return new JobView(j.id(), j.state(), null, null, Map.of(), 0, null, j.dueAt(), j.leaseExpiresAt(),
                    j.deliveries(), j.payload());
        }
    }

    @Override
    public String toString() {
        return "QueueAdmin[group=" + group + ", operator=" + operator + "]";
    }
}
