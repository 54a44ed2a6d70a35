package dev.actionqueues.jdbc;

import dev.actionqueues.deferred.spi.CallCombiner;
import dev.actionqueues.deferred.spi.CompleteAndNext;
import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceResult;
import dev.actionqueues.deferred.spi.JobPage;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.JobRecord;
import dev.actionqueues.deferred.spi.JobState;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.spi.QueueCapabilities;
import dev.actionqueues.deferred.spi.QueueStats;
import dev.actionqueues.deferred.spi.WorkerLease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One queue (a group's main or error queue) as rows of the shared jobs table. Every verb is one SQL
 * statement (a debounced push: one short transaction) on a connection taken from the data source
 * for that call only and committed at once, so no transaction stays open while a job runs. A
 * {@linkplain #joining(Connection) joined} view runs the same statements on the caller's connection
 * instead and leaves commit and close to the caller. Times come from the database ({@code now()}).
 * Idle claims wait on the {@link JdbcListener} when there is one, else poll. Thread-safe: its only
 * mutable state is when it next prunes old debounce keys.
 */
final class JdbcJobQueue implements JobQueue {

    static final int MAX_BATCH = 1000;
    static final int MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;
    static final Duration MAX_DELAY = Duration.ofDays(3650);

    private final JdbcQueueConfig config;
    private final JdbcStatements sql;
    private final String group;
    private final String queueName;
    private final boolean main;
    private final QueueCapabilities capabilities;
    /** The caller's connection of a joined view; null for the pooled queue. */
    private final Connection joined;
    /** When ({@link System#nanoTime()}) old debounce keys are pruned next. */
    private final AtomicLong nextPrune;
    /** Combines the complete-and-claim calls of a worker's threads (the pooled queue only). */
    private final CallCombiner<Step, CompleteAndNext> steps = new CallCombiner<>(64, this::steps);
    private final JdbcSession session;
    private final JdbcDebouncer debouncer;
    private final JdbcBrowse browser;

    JdbcJobQueue(JdbcQueueConfig config, String group, boolean main) {
        this(config, new JdbcStatements(config.tablePrefix(), main && config.listener() != null), group, main, null,
                new AtomicLong(System.nanoTime()));
    }

    private JdbcJobQueue(JdbcQueueConfig config, JdbcStatements sql, String group, boolean main, Connection joined,
            AtomicLong nextPrune) {
        this.nextPrune = nextPrune;
        this.session = new JdbcSession(config.dataSource(), joined, "on table " + config.tablePrefix() + "jobs, group '"
                + group + "', queue '" + (main ? "main" : "error") + "'");
        this.debouncer = new JdbcDebouncer(session, sql, group, main ? "main" : "error",
                main && config.listener() != null ? config.channel() : null, joined == null ? nextPrune : null);
        this.browser = new JdbcBrowse(session, config.tablePrefix() + "jobs", group, main ? "main" : "error");
        this.config = config;
        this.sql = sql;
        this.group = Objects.requireNonNull(group, "group");
        this.main = main;
        this.queueName = main ? "main" : "error";
        this.joined = joined;
        this.capabilities = new QueueCapabilities(MAX_DELAY, MAX_BATCH, MAX_PAYLOAD_BYTES, true,
                config.listener() != null, true, true);
    }

    @Override
    public QueueCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public JobQueue joining(Connection connection) {
        Objects.requireNonNull(connection, "connection");
        return new JdbcJobQueue(config, sql, group, main, connection, nextPrune);
    }

    // ---- push ----

    @Override
    public void push(NewJob job) {
        check(job);
        session.query("push", sql.push, ps -> notifying(ps, bindRow(ps, 1, job)), rs -> null);
    }

    /** One statement for the whole batch: the rows arrive as arrays, in the list's order. */
    @Override
    public List<Boolean> pushBatch(List<NewJob> jobs) {
        JdbcChecks.batch(jobs.size());
        jobs.forEach(JdbcJobQueue::check);
        if (jobs.isEmpty()) {
            return List.of();
        }
        String[] ids = new String[jobs.size()];
        String[] payloads = new String[jobs.size()];
        Long[] delays = new Long[jobs.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = jobs.get(i).id();
            payloads[i] = jobs.get(i).payload();
            delays[i] = JdbcChecks.micros(jobs.get(i).delay());
        }
        long stored = session.query("pushBatch", sql.pushBatch, ps -> {
            bindQueue(ps);
            ps.setArray(3, ps.getConnection().createArrayOf("text", ids));
            ps.setArray(4, ps.getConnection().createArrayOf("text", payloads));
            ps.setArray(5, ps.getConnection().createArrayOf("bigint", delays));
            notifying(ps, 6);
        }, rs -> rs.getLong(1)).get(0);
        List<Boolean> result = new ArrayList<>(jobs.size());
        for (int i = 0; i < jobs.size(); i++) {
            result.add(i < stored);
        }
        return result;
    }

    @Override
    public boolean pushIfAbsent(NewJob job) {
        check(job);
        return session.query("pushIfAbsent", sql.pushIfAbsent, ps -> notifying(ps, bindRow(ps, 1, job)),
                rs -> rs.getLong(1)).get(0) == 1;
    }

    /**
     * Debounced in the database (see {@link JdbcDebouncer}).
     */
    @Override
    public DebounceResult pushDebounced(NewJob job, Debounce debounce) {
        check(job);
        Objects.requireNonNull(debounce, "debounce");
        if (debounce.window().compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("the window must be at most " + MAX_DELAY + ", was "
                    + debounce.window());
        }
        return debouncer.push(job, debounce);
    }

    // ---- claim ----

    /**
     * Claims what is there; if nothing is and {@code maxWait} allows, waits for a notification (or
     * until a delayed job is due or a lease runs out, or the safety poll), else polls, and claims again.
     */
    @Override
    public List<Lease> claimBatch(int max, Duration leaseDuration, Duration maxWait) throws InterruptedException {
        JdbcChecks.claimSize(max);
        JdbcChecks.positive(leaseDuration, "leaseDuration");
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, was " + maxWait);
        }
        JdbcListener listener = joined == null ? config.listener() : null;
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted before claiming");
            }
            long seen = listener == null ? 0 : listener.generation(group);
            List<Lease> leases = claimed(claim(max, leaseDuration, List.of()));
            long left = deadline - System.nanoTime();
            if (!leases.isEmpty() || left <= 0) {
                return leases;
            }
            long poll = Math.min(left, config.pollInterval().toNanos());
            if (listener == null || !listener.listening()) {
                Thread.sleep(poll / 1_000_000, (int) (poll % 1_000_000));
            } else if (!listener.await(group, seen, Math.min(left, nextWake(poll)))) {
                Thread.sleep(poll / 1_000_000, (int) (poll % 1_000_000));
            }
        }
    }

    /**
     * Nanoseconds until a delayed job is due or a lease runs out, capped by the safety poll; {@code
     * poll} if one is due already (another consumer holds it locked) so the wait cannot spin.
     */
    private long nextWake(long poll) {
        long cap = config.safetyPoll().toNanos();
        List<Double> seconds = session.query("claim", sql.nextWake, ps -> {
            bindQueue(ps);
            ps.setString(3, group);
            ps.setString(4, queueName);
        }, rs -> rs.getObject(1) == null ? null : rs.getDouble(1));
        Double s = seconds.get(0);
        if (s == null) {
            return cap;
        }
        long nanos = (long) (s * 1e9);
        return nanos <= 0 ? poll : Math.min(cap, nanos);
    }

    /** A claim's or a finished job's row of the claim statement. */
    private record Row(boolean done, Lease lease, String id, long token, int prio, OffsetDateTime k, long seq) {
    }

    /** One call of complete-and-claim, for the combiner. */
    private record Step(Lease done, int max, Duration leaseDuration) {
    }

    /** Claims {@code max} jobs, completing the {@code done} leases (possibly none) in the same statement. */
    private List<Row> claim(int max, Duration leaseDuration, List<Lease> done) {
        boolean completing = !done.isEmpty();
        return session.query(completing ? "completeAndClaim" : "claim",
                completing ? sql.completeAndClaim : sql.claim, ps -> {
                    int i = 1;
                    if (completing) {
                        String[] ids = new String[done.size()];
                        Long[] tokens = new Long[done.size()];
                        for (int d = 0; d < ids.length; d++) {
                            ids[d] = done.get(d).jobId();
                            tokens[d] = done.get(d).fencingToken();
                        }
                        ps.setArray(i++, ps.getConnection().createArrayOf("text", ids));
                        ps.setArray(i++, ps.getConnection().createArrayOf("bigint", tokens));
                        ps.setString(i++, group);
                        ps.setString(i++, queueName);
                    }
                    ps.setString(i++, group);
                    ps.setString(i++, queueName);
                    ps.setInt(i++, max);
                    ps.setString(i++, group);
                    ps.setString(i++, queueName);
                    ps.setInt(i++, max);
                    ps.setInt(i++, max);
                    ps.setLong(i++, JdbcChecks.micros(leaseDuration));
                    ps.setString(i++, group);
                    ps.setString(i, queueName);
                }, rs -> rs.getInt(1) == 1
                        ? new Row(true, null, rs.getString(2), rs.getLong(4), 0, null, rs.getLong(9))
                        : new Row(false, new Lease(rs.getString(2), rs.getString(3), rs.getLong(4), instant(rs, 5),
                                rs.getInt(6), ""), null, 0, rs.getInt(7), rs.getObject(8, OffsetDateTime.class),
                                rs.getLong(9)));
    }

    /** The claimed leases of {@code rows} in claim order: expired leases first, then due jobs. */
    private static List<Lease> claimed(List<Row> rows) {
        List<Row> claimed = new ArrayList<>(rows.stream().filter(r -> !r.done()).toList());
        claimed.sort(Comparator.comparingInt(Row::prio).thenComparing(Row::k).thenComparingLong(Row::seq));
        List<Lease> leases = new ArrayList<>(claimed.size());
        claimed.forEach(r -> leases.add(r.lease()));
        return leases;
    }

    /**
     * Deletes the finished job (checking its token) and claims the next ones in one statement,
     * together with the calls other threads make meanwhile (one statement for the whole batch, as
     * the Redis backend combines its calls); if the thread is interrupted, it only completes.
     */
    @Override
    public CompleteAndNext completeAndClaim(Lease done, int max, Duration leaseDuration) {
        Objects.requireNonNull(done, "done");
        JdbcChecks.claimSize(max);
        JdbcChecks.positive(leaseDuration, "leaseDuration");
        if (Thread.currentThread().isInterrupted()) {
            return new CompleteAndNext(complete(done), List.of());
        }
        Step step = new Step(done, max, leaseDuration);
        return joined != null ? steps(List.of(step)).get(0) : steps.submit(step);
    }

    /**
     * A batch of complete-and-claim calls: one statement per lease duration (a worker uses one),
     * claiming as many jobs as the calls asked for together and handing them out in call order.
     */
    private List<CompleteAndNext> steps(List<Step> batch) {
        CompleteAndNext[] results = new CompleteAndNext[batch.size()];
        Map<Duration, List<Integer>> byLease = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            byLease.computeIfAbsent(batch.get(i).leaseDuration(), d -> new ArrayList<>()).add(i);
        }
        for (Map.Entry<Duration, List<Integer>> group : byLease.entrySet()) {
            List<Lease> done = new ArrayList<>();
            int max = 0;
            for (int i : group.getValue()) {
                done.add(batch.get(i).done());
                max += batch.get(i).max();
            }
            List<Row> rows = claim(Math.min(MAX_BATCH, max), group.getKey(), done);
            Set<String> completed = new HashSet<>();
            rows.stream().filter(Row::done).forEach(r -> completed.add(r.id() + '\0' + r.token()));
            List<Lease> leases = claimed(rows);
            int next = 0;
            for (int i : group.getValue()) {
                Step s = batch.get(i);
                int n = Math.min(s.max(), leases.size() - next);
                results[i] = new CompleteAndNext(completed.contains(s.done().jobId() + '\0' + s.done().fencingToken()),
                        List.copyOf(leases.subList(next, next + n)));
                next += n;
            }
        }
        return List.of(results);
    }

    // ---- leases ----

    @Override
    public Optional<Lease> renew(Lease lease, Duration leaseDuration) {
        Objects.requireNonNull(lease, "lease");
        JdbcChecks.positive(leaseDuration, "leaseDuration");
        record Renewed(OffsetDateTime expiry, boolean held) {
        }
        Renewed r = session.query("renew", sql.renew, ps -> ps.setLong(bindLease(ps, 1, lease), JdbcChecks.micros(leaseDuration)),
                rs -> new Renewed(rs.getObject(1, OffsetDateTime.class), rs.getBoolean(2))).get(0);
        if (r.expiry() != null) {
            return Optional.of(lease.withExpiry(r.expiry().toInstant()));
        }
        // Held but locked by another transaction (the job's own, completing it): not renewed this time.
        return r.held() ? Optional.of(lease) : Optional.empty();
    }

    /** Ends the lease now if still held, and notifies the group's waiting claimers. */
    @Override
    public boolean expire(WorkerLease lease) {
        Objects.requireNonNull(lease, "lease");
        Lease l = new Lease(lease.jobId(), "", lease.fencingToken(), Instant.EPOCH, 1, lease.receipt());
        return session.query("expire", sql.expire, ps -> notifying(ps, bindLease(ps, 1, l)), rs -> rs.getLong(1))
                .get(0) > 0;
    }

    @Override
    public boolean complete(Lease lease) {
        Objects.requireNonNull(lease, "lease");
        return session.update("complete", sql.complete, ps -> bindLease(ps, 1, lease)) > 0;
    }

    /** One statement for the whole batch: deletes the rows whose (id, token) still hold their lease. */
    @Override
    public List<Boolean> completeBatch(List<Lease> leases) {
        JdbcChecks.batch(leases.size());
        if (leases.isEmpty()) {
            return List.of();
        }
        String[] ids = new String[leases.size()];
        Long[] tokens = new Long[leases.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = leases.get(i).jobId();
            tokens[i] = leases.get(i).fencingToken();
        }
        record Done(String id, long token) {
        }
        List<Done> done = session.query("completeBatch", sql.completeBatch, ps -> {
            ps.setArray(1, ps.getConnection().createArrayOf("text", ids));
            ps.setArray(2, ps.getConnection().createArrayOf("bigint", tokens));
            ps.setString(3, group);
            ps.setString(4, queueName);
        }, rs -> new Done(rs.getString(1), rs.getLong(2)));
        List<Boolean> result = new ArrayList<>(leases.size());
        for (Lease lease : leases) {
            result.add(done.remove(new Done(lease.jobId(), lease.fencingToken())));
        }
        return result;
    }

    @Override
    public boolean release(Lease lease, String newPayload, Duration delay) {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(newPayload, "newPayload");
        JdbcChecks.delay(delay);
        JdbcChecks.payload(newPayload);
        return session.query("release", sql.release, ps -> {
            ps.setString(1, newPayload);
            ps.setLong(2, JdbcChecks.micros(delay));
            notifying(ps, bindLease(ps, 3, lease));
        }, rs -> rs.getLong(1)).get(0) > 0;
    }

    @Override
    public boolean deadLetter(Lease lease, String errorPayload) {
        requireMain("deadLetter");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(errorPayload, "errorPayload");
        JdbcChecks.payload(errorPayload);
        return session.update("deadLetter", sql.deadLetter, ps -> {
            ps.setString(1, errorPayload);
            bindLease(ps, 2, lease);
        }) > 0;
    }

    @Override
    public boolean replayError(String id, String newPayload) {
        requireMain("replayError");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(newPayload, "newPayload");
        JdbcChecks.payload(newPayload);
        return session.query("replayError", sql.replayError, ps -> {
            ps.setString(1, newPayload);
            ps.setString(2, group);
            ps.setString(3, id);
            notifying(ps, 4);
        }, rs -> rs.getLong(1)).get(0) > 0;
    }

    // ---- inspection ----

    @Override
    public List<JobRecord> list(int offset, int limit) {
        if (offset < 0 || limit < 1) {
            throw new IllegalArgumentException("offset must be >= 0 and limit >= 1, were " + offset + ", " + limit);
        }
        return session.query("list", sql.list, ps -> {
            bindQueue(ps);
            ps.setInt(3, offset);
            ps.setInt(4, limit);
        }, rs -> new JobRecord(rs.getString(1), rs.getString(2)));
    }

    @Override
    public JobPage browse(JobState state, String cursor, int limit) {
        JobQueue.checkBrowse(state, limit);
        return browser.page(state, cursor, limit);
    }

    @Override
    public boolean runNow(String id) {
        Objects.requireNonNull(id, "id");
        return session.query("runNow", sql.runNow, ps -> {
            bindQueue(ps);
            ps.setString(3, id);
            notifying(ps, 4);
        }, rs -> rs.getLong(1)).get(0) > 0;
    }

    @Override
    public Optional<JobRecord> find(String id) {
        Objects.requireNonNull(id, "id");
        return session.query("find", sql.find, ps -> {
            bindQueue(ps);
            ps.setString(3, id);
        }, rs -> new JobRecord(rs.getString(1), rs.getString(2))).stream().findFirst();
    }

    @Override
    public boolean remove(String id) {
        Objects.requireNonNull(id, "id");
        return session.query("remove", sql.remove, ps -> {
            bindQueue(ps);
            ps.setString(3, id);
            ps.setString(4, group);
            ps.setString(5, queueName);
        }, rs -> rs.getLong(1)).get(0) > 0;
    }

    @Override
    public QueueStats stats() {
        return session.query("stats", sql.stats, this::bindQueue,
                rs -> new QueueStats(rs.getLong(1), rs.getLong(2), rs.getLong(3))).get(0);
    }

    @Override
    public void flush() {
        session.update("flush", sql.flush, ps -> {
            bindQueue(ps);
            ps.setString(3, group);
            ps.setString(4, queueName);
        });
    }

    @Override
    public String toString() {
        return "JdbcJobQueue[table=" + config.tablePrefix() + "jobs, group=" + group + ", queue=" + queueName
                + (joined == null ? "" : ", joined") + "]";
    }

    // ---- binding ----

    private void requireMain(String verb) {
        if (!main) {
            throw new UnsupportedOperationException(verb + " is not supported on an error queue");
        }
    }

    private void bindQueue(PreparedStatement ps) throws SQLException {
        ps.setString(1, group);
        ps.setString(2, queueName);
    }

    private int bindRow(PreparedStatement ps, int index, NewJob job) throws SQLException {
        ps.setString(index++, group);
        ps.setString(index++, queueName);
        ps.setString(index++, job.id());
        ps.setString(index++, job.payload());
        ps.setLong(index++, JdbcChecks.micros(job.delay()));
        return index;
    }

    private int bindLease(PreparedStatement ps, int index, Lease lease) throws SQLException {
        ps.setString(index, group);
        ps.setString(index + 1, queueName);
        ps.setString(index + 2, lease.jobId());
        ps.setLong(index + 3, lease.fencingToken());
        return index + 4;
    }

    /** Binds the notification's channel and payload at {@code index} if this queue's statements notify. */
    private void notifying(PreparedStatement ps, int index) throws SQLException {
        if (main && config.listener() != null) {
            ps.setString(index, config.channel());
            ps.setString(index + 1, group);
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static void check(NewJob job) {
        Objects.requireNonNull(job, "job");
        JdbcChecks.delay(job.delay());
        JdbcChecks.payload(job.payload());
    }

}
