package dev.actionqueues.jdbc;

import dev.actionqueues.deferred.BackendException;
import dev.actionqueues.deferred.spi.CompleteAndNext;
import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceDecision;
import dev.actionqueues.deferred.spi.DebounceResult;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.JobRecord;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.spi.QueueCapabilities;
import dev.actionqueues.deferred.spi.QueueStats;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * One queue (a group's main or error queue) as rows of the shared jobs table. Every verb is one SQL
 * statement in auto-commit mode (a debounced push: one short transaction), on a connection taken
 * from the data source for that call only, so no transaction stays open while a job runs. Times come
 * from the database ({@code now()}). Thread-safe: it holds no mutable state.
 */
final class JdbcJobQueue implements JobQueue {

    static final int MAX_BATCH = 1000;
    static final int MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;
    static final Duration MAX_DELAY = Duration.ofDays(3650);
    /** How long an empty claim sleeps between two polls while it may wait. */
    static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    private static final QueueCapabilities CAPABILITIES =
            new QueueCapabilities(MAX_DELAY, MAX_BATCH, MAX_PAYLOAD_BYTES, true, false, true, true);
    private static final String LEASED = " AND state = 'leased'";
    private static final String WAITING = " AND state = 'waiting'";

    private final DataSource dataSource;
    private final String table;
    private final String tokens;
    private final String debounceTable;
    private final String group;
    private final String queueName;
    private final boolean main;
    private final String where;

    JdbcJobQueue(DataSource dataSource, String tablePrefix, String group, boolean main) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.table = tablePrefix + "jobs";
        this.tokens = tablePrefix + "job_tokens";
        this.debounceTable = tablePrefix + "debounce";
        this.group = Objects.requireNonNull(group, "group");
        this.main = main;
        this.queueName = main ? "main" : "error";
        this.where = " WHERE grp = ? AND queue = ?";
    }

    @Override
    public QueueCapabilities capabilities() {
        return CAPABILITIES;
    }

    // ---- push ----

    @Override
    public void push(NewJob job) {
        check(job);
        String sql = "INSERT INTO " + table + " (grp, queue, id, payload, state, due_at) VALUES " + row();
        update("push", sql, ps -> bindRow(ps, 1, job));
    }

    @Override
    public List<Boolean> pushBatch(List<NewJob> jobs) {
        checkBatch(jobs.size());
        jobs.forEach(JdbcJobQueue::check);
        if (jobs.isEmpty()) {
            return List.of();
        }
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(table)
                .append(" (grp, queue, id, payload, state, due_at) VALUES ");
        for (int i = 0; i < jobs.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(row());
        }
        update("pushBatch", sql.toString(), ps -> {
            int index = 1;
            for (NewJob job : jobs) {
                index = bindRow(ps, index, job);
            }
        });
        return Collections.nCopies(jobs.size(), Boolean.TRUE);
    }

    @Override
    public boolean pushIfAbsent(NewJob job) {
        check(job);
        String sql = "INSERT INTO " + table + " (grp, queue, id, payload, state, due_at, unique_id) VALUES "
                + "(?, ?, ?, ?, 'waiting', now() + ?::bigint * interval '1 microsecond', TRUE)"
                + " ON CONFLICT (grp, queue, id) WHERE unique_id DO NOTHING";
        return update("pushIfAbsent", sql, ps -> bindRow(ps, 1, job)) == 1;
    }

    /**
     * A key whose job still waits is skipped with one read (the skip is true at that read). Otherwise
     * one short transaction: lock the key's row (created if missing), decide on the database clock,
     * then push and record the pending job.
     */
    @Override
    public DebounceResult pushDebounced(NewJob job, Debounce debounce) {
        check(job);
        Objects.requireNonNull(debounce, "debounce");
        if (debounce.window().compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("the window must be at most " + MAX_DELAY + ", was "
                    + debounce.window());
        }
        List<String> pending = query("pushDebounced", "SELECT pending_id FROM " + debounceTable
                + " WHERE grp = ? AND queue = ? AND key = ? AND pending_id IS NOT NULL", ps -> bindKey(ps, debounce),
                rs -> rs.getString(1));
        if (!pending.isEmpty()) {
            return new DebounceResult(DebounceDecision.SKIP, pending.get(0), Duration.ZERO);
        }
        try (Connection c = connection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                DebounceResult result = pushDebounced(c, job, debounce);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw failure("pushDebounced", e);
        }
    }

    private DebounceResult pushDebounced(Connection c, NewJob job, Debounce debounce) throws SQLException {
        // Creates the key's row or locks it; RETURNING runs after the lock, so the time is the decision's.
        String pendingId = null;
        Instant lastStart = null;
        Instant now;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + debounceTable
                + " AS d (grp, queue, key) VALUES (?, ?, ?) ON CONFLICT (grp, queue, key)"
                + " DO UPDATE SET key = EXCLUDED.key RETURNING d.pending_id, d.last_start, clock_timestamp()")) {
            bindKey(ps, debounce);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                pendingId = rs.getString(1);
                OffsetDateTime t = rs.getObject(2, OffsetDateTime.class);
                lastStart = t == null ? null : t.toInstant();
                now = instant(rs, 3);
            }
        }
        // pending_id is cleared by the claim that starts the job, by remove and by flush.
        if (pendingId != null) {
            return new DebounceResult(DebounceDecision.SKIP, pendingId, Duration.ZERO);
        }
        Duration delay;
        DebounceDecision decision;
        if (debounce.alwaysDelay()) {
            delay = debounce.window();
            decision = DebounceDecision.PUSH_DELAYED;
        } else if (lastStart == null || !now.isBefore(lastStart.plus(debounce.window()))) {
            delay = Duration.ZERO;
            decision = DebounceDecision.PUSH_NOW;
        } else {
            delay = Duration.between(now, lastStart.plus(debounce.window()));
            decision = DebounceDecision.PUSH_DELAYED;
        }
        OffsetDateTime due = OffsetDateTime.ofInstant(now.plus(delay), ZoneOffset.UTC);
        try (PreparedStatement ps = c.prepareStatement("WITH pushed AS (INSERT INTO " + table
                + " (grp, queue, id, payload, state, due_at, debounce_key) VALUES (?, ?, ?, ?, 'waiting', ?, ?))"
                + " UPDATE " + debounceTable + " SET pending_id = ?, last_start = ?"
                + " WHERE grp = ? AND queue = ? AND key = ?")) {
            bindQueue(ps);
            ps.setString(3, job.id());
            ps.setString(4, job.payload());
            ps.setObject(5, due);
            ps.setString(6, debounce.key());
            ps.setString(7, job.id());
            ps.setObject(8, due);
            ps.setString(9, group);
            ps.setString(10, queueName);
            ps.setString(11, debounce.key());
            ps.executeUpdate();
        }
        return new DebounceResult(decision, job.id(), delay);
    }

    private void bindKey(PreparedStatement ps, Debounce debounce) throws SQLException {
        ps.setString(1, group);
        ps.setString(2, queueName);
        ps.setString(3, debounce.key());
    }

    private static String row() {
        return "(?, ?, ?, ?, 'waiting', now() + ?::bigint * interval '1 microsecond')";
    }

    private int bindRow(PreparedStatement ps, int index, NewJob job) throws SQLException {
        ps.setString(index++, group);
        ps.setString(index++, queueName);
        ps.setString(index++, job.id());
        ps.setString(index++, job.payload());
        ps.setLong(index++, micros(job.delay()));
        return index;
    }

    // ---- claim ----

    @Override
    public List<Lease> claimBatch(int max, Duration leaseDuration, Duration maxWait) throws InterruptedException {
        if (max < 1 || max > MAX_BATCH) {
            throw new IllegalArgumentException("max must be between 1 and " + MAX_BATCH + ", was " + max);
        }
        checkPositive(leaseDuration, "leaseDuration");
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, was " + maxWait);
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted before claiming");
            }
            List<Lease> leases = claimNow(max, leaseDuration);
            long left = deadline - System.nanoTime();
            if (!leases.isEmpty() || left <= 0) {
                return leases;
            }
            Thread.sleep(Math.min(left / 1_000_000 + 1, POLL_INTERVAL.toMillis()));
        }
    }

    /**
     * One statement: expired leases first (earliest expiry first), then waiting rows that are due
     * (due order, then push order), locked with SKIP LOCKED and leased with a new token.
     */
    private List<Lease> claimNow(int max, Duration leaseDuration) {
        return claimNow(max, leaseDuration, null).next();
    }

    /**
     * Completes {@code done} (if not null) and claims, in one statement: the claim never picks the
     * row being deleted. Without {@code done}, {@code completed} is false.
     */
    private CompleteAndNext claimNow(int max, Duration leaseDuration, Lease done) {
        String sql = (done == null ? "WITH" : "WITH done AS (DELETE FROM " + table + where + " AND id = ? AND token = ?"
                + LEASED + " RETURNING seq),")
                + " expired AS (SELECT seq, 0 AS prio, lease_until AS k, debounce_key AS dkey FROM " + table
                + where + LEASED + " AND lease_until <= now()"
                + (done == null ? "" : " AND seq NOT IN (SELECT seq FROM done)")
                + " ORDER BY lease_until, seq LIMIT ? FOR UPDATE SKIP LOCKED),"
                + " ready AS (SELECT seq, 1 AS prio, due_at AS k, debounce_key AS dkey FROM " + table + where + WAITING
                + " AND due_at <= now() ORDER BY due_at, seq LIMIT ? FOR UPDATE SKIP LOCKED),"
                + " picked AS (SELECT * FROM expired UNION ALL SELECT * FROM ready LIMIT ?),"
                + " claimed AS (UPDATE " + table + " j SET state = 'leased',"
                + " lease_until = now() + ?::bigint * interval '1 microsecond',"
                + " token = nextval('" + tokens + "'), deliveries = j.deliveries + 1, debounce_key = NULL"
                + " FROM picked p WHERE j.seq = p.seq"
                + " RETURNING j.id, j.payload, j.token, j.lease_until, j.deliveries, p.prio, p.k, j.seq, p.dkey),"
                // A debounced job that starts stops being its key's pending job; the key's last start moves.
                + " started AS (UPDATE " + debounceTable + " d SET pending_id = NULL,"
                + " last_start = greatest(d.last_start, now()) FROM claimed c WHERE c.dkey IS NOT NULL"
                + " AND d.grp = ? AND d.queue = ? AND d.key = c.dkey AND d.pending_id = c.id)"
                + (done == null ? " SELECT id, payload, token, lease_until, deliveries, prio, k, seq, 0 FROM claimed"
                        : " SELECT c.id, c.payload, c.token, c.lease_until, c.deliveries, c.prio, c.k, c.seq,"
                        + " (SELECT count(*) FROM done) FROM (SELECT 1) one LEFT JOIN claimed c ON TRUE");
        record Claimed(Lease lease, int prio, OffsetDateTime k, long seq, boolean completed) {
        }
        List<Claimed> rows = query(done == null ? "claim" : "completeAndClaim", sql, ps -> {
            int i = 1;
            if (done != null) {
                i = bindLease(ps, i, done);
            }
            ps.setString(i++, group);
            ps.setString(i++, queueName);
            ps.setInt(i++, max);
            ps.setString(i++, group);
            ps.setString(i++, queueName);
            ps.setInt(i++, max);
            ps.setInt(i++, max);
            ps.setLong(i++, micros(leaseDuration));
            ps.setString(i++, group);
            ps.setString(i, queueName);
        }, rs -> new Claimed(rs.getString(1) == null ? null : new Lease(rs.getString(1), rs.getString(2),
                rs.getLong(3), instant(rs, 4), rs.getInt(5), ""), rs.getInt(6), rs.getObject(7, OffsetDateTime.class),
                rs.getLong(8), rs.getLong(9) > 0));
        boolean completed = rows.stream().anyMatch(Claimed::completed);
        List<Claimed> claimed = new ArrayList<>(rows.stream().filter(c -> c.lease() != null).toList());
        claimed.sort(Comparator.comparingInt(Claimed::prio).thenComparing(Claimed::k).thenComparingLong(Claimed::seq));
        List<Lease> leases = new ArrayList<>(claimed.size());
        claimed.forEach(c -> leases.add(c.lease()));
        return new CompleteAndNext(completed, leases);
    }

    /**
     * One statement that deletes the finished job (checking its token) and claims the next ones; if
     * the thread is interrupted, it only completes.
     */
    @Override
    public CompleteAndNext completeAndClaim(Lease done, int max, Duration leaseDuration) {
        Objects.requireNonNull(done, "done");
        if (max < 1 || max > MAX_BATCH) {
            throw new IllegalArgumentException("max must be between 1 and " + MAX_BATCH + ", was " + max);
        }
        checkPositive(leaseDuration, "leaseDuration");
        if (Thread.currentThread().isInterrupted()) {
            return new CompleteAndNext(complete(done), List.of());
        }
        return claimNow(max, leaseDuration, done);
    }

    // ---- leases ----

    @Override
    public Optional<Lease> renew(Lease lease, Duration leaseDuration) {
        Objects.requireNonNull(lease, "lease");
        checkPositive(leaseDuration, "leaseDuration");
        String sql = "UPDATE " + table + " SET lease_until = now() + ?::bigint * interval '1 microsecond'"
                + where + " AND id = ? AND token = ?" + LEASED + " RETURNING lease_until";
        List<Instant> expiry = query("renew", sql, ps -> {
            ps.setLong(1, micros(leaseDuration));
            bindLease(ps, 2, lease);
        }, rs -> instant(rs, 1));
        return expiry.isEmpty() ? Optional.empty() : Optional.of(lease.withExpiry(expiry.get(0)));
    }

    @Override
    public boolean complete(Lease lease) {
        Objects.requireNonNull(lease, "lease");
        String sql = "DELETE FROM " + table + where + " AND id = ? AND token = ?" + LEASED;
        return update("complete", sql, ps -> bindLease(ps, 1, lease)) > 0;
    }

    /** One statement for the whole batch: deletes the rows whose (id, token) still hold their lease. */
    @Override
    public List<Boolean> completeBatch(List<Lease> leases) {
        checkBatch(leases.size());
        if (leases.isEmpty()) {
            return List.of();
        }
        String[] ids = new String[leases.size()];
        Long[] tokens = new Long[leases.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = leases.get(i).jobId();
            tokens[i] = leases.get(i).fencingToken();
        }
        String sql = "DELETE FROM " + table + " t USING unnest(?::text[], ?::bigint[]) AS d(id, token)"
                + " WHERE t.grp = ? AND t.queue = ? AND t.id = d.id AND t.token = d.token AND t.state = 'leased'"
                + " RETURNING t.id, t.token";
        record Done(String id, long token) {
        }
        List<Done> done = query("completeBatch", sql, ps -> {
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
        checkDelay(delay);
        checkPayload(newPayload);
        String sql = "UPDATE " + table + " SET state = 'waiting', lease_until = NULL, deliveries = 0, payload = ?,"
                + " due_at = now() + ?::bigint * interval '1 microsecond'" + where + " AND id = ? AND token = ?"
                + LEASED;
        return update("release", sql, ps -> {
            ps.setString(1, newPayload);
            ps.setLong(2, micros(delay));
            bindLease(ps, 3, lease);
        }) > 0;
    }

    @Override
    public boolean deadLetter(Lease lease, String errorPayload) {
        requireMain("deadLetter");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(errorPayload, "errorPayload");
        checkPayload(errorPayload);
        // One statement: the row leaves the main queue and joins the error queue; its id is freed.
        String sql = "UPDATE " + table + " SET queue = 'error', state = 'waiting', lease_until = NULL,"
                + " deliveries = 0, unique_id = FALSE, payload = ?, due_at = now()" + where
                + " AND id = ? AND token = ?" + LEASED;
        return update("deadLetter", sql, ps -> {
            ps.setString(1, errorPayload);
            bindLease(ps, 2, lease);
        }) > 0;
    }

    @Override
    public boolean replayError(String id, String newPayload) {
        requireMain("replayError");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(newPayload, "newPayload");
        checkPayload(newPayload);
        String sql = "UPDATE " + table + " SET queue = 'main', deliveries = 0, payload = ?, due_at = now()"
                + " WHERE seq = (SELECT seq FROM " + table + " WHERE grp = ? AND queue = 'error' AND id = ?"
                + WAITING + " ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)";
        return update("replayError", sql, ps -> {
            ps.setString(1, newPayload);
            ps.setString(2, group);
            ps.setString(3, id);
        }) > 0;
    }

    // ---- inspection ----

    @Override
    public List<JobRecord> list(int offset, int limit) {
        if (offset < 0 || limit < 1) {
            throw new IllegalArgumentException("offset must be >= 0 and limit >= 1, were " + offset + ", " + limit);
        }
        String sql = "SELECT id, payload FROM " + table + where + WAITING + " ORDER BY due_at, seq OFFSET ? LIMIT ?";
        return query("list", sql, ps -> {
            bindQueue(ps);
            ps.setInt(3, offset);
            ps.setInt(4, limit);
        }, rs -> new JobRecord(rs.getString(1), rs.getString(2)));
    }

    @Override
    public Optional<JobRecord> find(String id) {
        Objects.requireNonNull(id, "id");
        String sql = "SELECT id, payload FROM " + table + where + " AND id = ?" + WAITING + " ORDER BY seq LIMIT 1";
        List<JobRecord> found = query("find", sql, ps -> {
            bindQueue(ps);
            ps.setString(3, id);
        }, rs -> new JobRecord(rs.getString(1), rs.getString(2)));
        return found.stream().findFirst();
    }

    @Override
    public boolean remove(String id) {
        Objects.requireNonNull(id, "id");
        // A removed debounced job stops being its key's pending job, in the same statement.
        String sql = "WITH removed AS (DELETE FROM " + table + where + " AND id = ?" + WAITING
                + " RETURNING id, debounce_key), freed AS (UPDATE " + debounceTable + " d SET pending_id = NULL"
                + " FROM removed r WHERE r.debounce_key IS NOT NULL AND d.grp = ? AND d.queue = ?"
                + " AND d.key = r.debounce_key AND d.pending_id = r.id) SELECT count(*) FROM removed";
        return query("remove", sql, ps -> {
            bindQueue(ps);
            ps.setString(3, id);
            ps.setString(4, group);
            ps.setString(5, queueName);
        }, rs -> rs.getLong(1)).get(0) > 0;
    }

    @Override
    public QueueStats stats() {
        String sql = "SELECT"
                + " count(*) FILTER (WHERE state = 'waiting' AND due_at <= now()"
                + " OR state = 'leased' AND lease_until <= now()),"
                + " count(*) FILTER (WHERE state = 'leased' AND lease_until > now()),"
                + " count(*) FILTER (WHERE state = 'waiting' AND due_at > now())"
                + " FROM " + table + where;
        return query("stats", sql, this::bindQueue, rs -> new QueueStats(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                .get(0);
    }

    @Override
    public void flush() {
        update("flush", "WITH d AS (DELETE FROM " + debounceTable + where + ") DELETE FROM " + table + where, ps -> {
            bindQueue(ps);
            ps.setString(3, group);
            ps.setString(4, queueName);
        });
    }

    @Override
    public String toString() {
        return "JdbcJobQueue[table=" + table + ", group=" + group + ", queue=" + queueName + "]";
    }

    // ---- helpers ----

    private void requireMain(String verb) {
        if (!main) {
            throw new UnsupportedOperationException(verb + " is not supported on an error queue");
        }
    }

    private void bindQueue(PreparedStatement ps) throws SQLException {
        ps.setString(1, group);
        ps.setString(2, queueName);
    }

    private int bindLease(PreparedStatement ps, int index, Lease lease) throws SQLException {
        ps.setString(index, group);
        ps.setString(index + 1, queueName);
        ps.setString(index + 2, lease.jobId());
        ps.setLong(index + 3, lease.fencingToken());
        return index + 4;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static long micros(Duration d) {
        return d.getSeconds() * 1_000_000L + d.getNano() / 1_000;
    }

    private static void check(NewJob job) {
        Objects.requireNonNull(job, "job");
        checkDelay(job.delay());
        checkPayload(job.payload());
    }

    private static void checkBatch(int size) {
        if (size > MAX_BATCH) {
            throw new IllegalArgumentException("batch size must be between 0 and " + MAX_BATCH + ", was " + size);
        }
    }

    private static void checkDelay(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("delay must be between 0 and " + MAX_DELAY + ", was " + delay);
        }
    }

    private static void checkPositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }

    private static void checkPayload(String payload) {
        if ((long) payload.length() * 3 > MAX_PAYLOAD_BYTES
                && payload.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload exceeds " + MAX_PAYLOAD_BYTES + " bytes");
        }
        if (payload.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("PostgreSQL text cannot hold the NUL character (U+0000)");
        }
    }

    /** Describes a failure for a message: SQL state and the driver's text (which holds no password). */
    static String describe(SQLException e) {
        return "SQL state " + e.getSQLState() + ": " + e.getMessage();
    }

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private int update(String verb, String sql, Binder binder) {
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            int count = ps.executeUpdate();
            commitIfNeeded(c);
            return count;
        } catch (SQLException e) {
            throw failure(verb, e);
        }
    }

    private <T> List<T> query(String verb, String sql, Binder binder, RowMapper<T> mapper) {
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
            }
            commitIfNeeded(c);
            return rows;
        } catch (SQLException e) {
            throw failure(verb, e);
        }
    }

    private Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    /** A data source that hands out connections outside auto-commit still gets one short transaction. */
    private static void commitIfNeeded(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    private BackendException failure(String verb, SQLException e) {
        return new BackendException("PostgreSQL backend: " + verb + " on table " + table + ", group '" + group
                + "', queue '" + queueName + "' failed: " + describe(e), e);
    }
}
