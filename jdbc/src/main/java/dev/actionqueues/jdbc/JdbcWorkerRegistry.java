package dev.actionqueues.jdbc;

import dev.actionqueues.deferred.spi.WorkerLease;
import dev.actionqueues.deferred.spi.WorkerRecord;
import dev.actionqueues.deferred.spi.WorkerRegistry;
import dev.actionqueues.deferred.spi.WorkerStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A group's worker heartbeats as rows of {@code <prefix>workers}, one per worker, with the leases
 * it holds in three parallel arrays. Every call is one statement in auto-commit on the database's
 * clock; a take-over is a conditional {@code DELETE … RETURNING}, so of concurrent callers the row
 * lock lets exactly one have the row. Expired rows are deleted when silent workers are looked for.
 * Thread-safe: it holds no mutable state.
 */
final class JdbcWorkerRegistry implements WorkerRegistry {

    private static final String COLUMNS = "name, host, pid, concurrency, in_flight, started_at, last_seen, lease_ids,"
            + " lease_tokens, lease_receipts";
    private static final String AGO = " clock_timestamp() - ?::bigint * interval '1 microsecond'";
    private static final String KEPT = " AND expires_at > clock_timestamp()";

    private final JdbcSession session;
    private final String group;
    private final String beat;
    private final String live;
    private final String silent;
    private final String take;
    private final String remove;

    JdbcWorkerRegistry(JdbcQueueConfig config, String group) {
        this.group = Objects.requireNonNull(group, "group");
        String table = config.tablePrefix() + "workers";
        this.session = new JdbcSession(config.dataSource(), null, "on table " + table + ", group '" + group + "'");
        // One reading of the clock for the whole beat (now() is the statement's time in autocommit), so a
        // new record's start and last-seen times are equal.
        beat = "INSERT INTO " + table + " AS w (grp, name, host, pid, concurrency, in_flight, started_at, last_seen,"
                + " expires_at, lease_ids, lease_tokens, lease_receipts) VALUES (?, ?, ?, ?, ?, ?, now(), now(),"
                + " now() + ?::bigint * interval '1 microsecond', ?, ?, ?)"
                + " ON CONFLICT (grp, name) DO UPDATE SET host = EXCLUDED.host, pid = EXCLUDED.pid,"
                + " concurrency = EXCLUDED.concurrency, in_flight = EXCLUDED.in_flight,"
                + " started_at = CASE WHEN w.expires_at <= EXCLUDED.last_seen THEN EXCLUDED.last_seen"
                + " ELSE w.started_at END,"
                + " last_seen = EXCLUDED.last_seen, expires_at = EXCLUDED.expires_at, lease_ids = EXCLUDED.lease_ids,"
                + " lease_tokens = EXCLUDED.lease_tokens, lease_receipts = EXCLUDED.lease_receipts";
        live = "SELECT " + COLUMNS + " FROM " + table + " WHERE grp = ? AND last_seen >" + AGO + KEPT
                + " ORDER BY name";
        silent = "WITH pruned AS (DELETE FROM " + table + " WHERE grp = ? AND expires_at <= clock_timestamp())"
                + " SELECT " + COLUMNS + " FROM " + table + " WHERE grp = ? AND last_seen <=" + AGO + KEPT
                + " ORDER BY name";
        take = "DELETE FROM " + table + " WHERE grp = ? AND name = ? AND last_seen <=" + AGO + KEPT
                + " RETURNING " + COLUMNS;
        remove = "DELETE FROM " + table + " WHERE grp = ? AND name = ?";
    }

    @Override
    public void heartbeat(WorkerStatus status, Duration expireAfter) {
        Objects.requireNonNull(status, "status");
        JdbcChecks.positive(expireAfter, "expireAfter");
        List<WorkerLease> leases = status.leases();
        String[] ids = new String[leases.size()];
        Long[] tokens = new Long[leases.size()];
        String[] receipts = new String[leases.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = leases.get(i).jobId();
            tokens[i] = leases.get(i).fencingToken();
            receipts[i] = leases.get(i).receipt();
        }
        session.update("worker heartbeat", beat, ps -> {
            ps.setString(1, group);
            ps.setString(2, status.name());
            ps.setString(3, status.host());
            ps.setLong(4, status.pid());
            ps.setInt(5, status.concurrency());
            ps.setInt(6, status.inFlight());
            ps.setLong(7, JdbcChecks.micros(expireAfter));
            ps.setArray(8, ps.getConnection().createArrayOf("text", ids));
            ps.setArray(9, ps.getConnection().createArrayOf("bigint", tokens));
            ps.setArray(10, ps.getConnection().createArrayOf("text", receipts));
        });
    }

    @Override
    public List<WorkerRecord> list(Duration seenWithin) {
        JdbcChecks.positive(seenWithin, "seenWithin");
        return session.query("worker list", live, ps -> {
            ps.setString(1, group);
            ps.setLong(2, JdbcChecks.micros(seenWithin));
        }, this::record);
    }

    @Override
    public List<WorkerRecord> silent(Duration silentFor) {
        JdbcChecks.positive(silentFor, "silentFor");
        return session.query("worker silent list", silent, ps -> {
            ps.setString(1, group);
            ps.setString(2, group);
            ps.setLong(3, JdbcChecks.micros(silentFor));
        }, this::record);
    }

    @Override
    public Optional<WorkerRecord> takeOver(String name, Duration silentFor) {
        Objects.requireNonNull(name, "name");
        JdbcChecks.positive(silentFor, "silentFor");
        return session.query("worker take-over", take, ps -> {
            ps.setString(1, group);
            ps.setString(2, name);
            ps.setLong(3, JdbcChecks.micros(silentFor));
        }, this::record).stream().findFirst();
    }

    @Override
    public boolean remove(String name) {
        Objects.requireNonNull(name, "name");
        return session.update("worker remove", remove, ps -> bind(ps, name)) == 1;
    }

    private void bind(PreparedStatement ps, String name) throws SQLException {
        ps.setString(1, group);
        ps.setString(2, name);
    }

    private WorkerRecord record(ResultSet rs) throws SQLException {
        String[] ids = (String[]) rs.getArray(8).getArray();
        Long[] tokens = (Long[]) rs.getArray(9).getArray();
        String[] receipts = (String[]) rs.getArray(10).getArray();
        List<WorkerLease> leases = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length; i++) {
            leases.add(new WorkerLease(ids[i], tokens[i], receipts[i]));
        }
        return new WorkerRecord(rs.getString(1), rs.getString(2), rs.getLong(3), group, rs.getInt(4), rs.getInt(5),
                rs.getObject(6, OffsetDateTime.class).toInstant(), rs.getObject(7, OffsetDateTime.class).toInstant(),
                leases);
    }

    @Override
    public String toString() {
        return "JdbcWorkerRegistry[group=" + group + "]";
    }
}
