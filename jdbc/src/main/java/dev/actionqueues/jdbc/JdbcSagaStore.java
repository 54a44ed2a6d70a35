package dev.actionqueues.jdbc;

import dev.actionqueues.deferred.spi.SagaRecord;
import dev.actionqueues.deferred.spi.SagaStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A group's saga journals as rows of {@code <prefix>sagas}: every call is one statement in
 * auto-commit; the lease is a token and an expiry on the database's clock, taken with a
 * conditional {@code UPDATE … RETURNING} (the row lock makes concurrent acquisitions take turns,
 * and the second finds the lease held). Thread-safe: it holds no mutable state.
 */
final class JdbcSagaStore implements SagaStore {

    private static final String COLUMNS = "id, name, status, journal, token, cancel_requested, updated_at";

    private final JdbcSession session;
    private final String group;
    private final String create;
    private final String acquire;
    private final String update;
    private final String release;
    private final String requestCancel;
    private final String cancelRequested;
    private final String find;
    private final String listAll;
    private final String listByStatus;
    private final String remove;

    JdbcSagaStore(JdbcQueueConfig config, String group) {
        this.group = Objects.requireNonNull(group, "group");
        String table = config.tablePrefix() + "sagas";
        this.session = new JdbcSession(config.dataSource(), null, "on table " + table + ", group '" + group + "'");
        String key = " WHERE grp = ? AND id = ?";
        String after = " clock_timestamp() + ?::bigint * interval '1 microsecond'";
        create = "INSERT INTO " + table + " (grp, id, name, status, journal) VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT (grp, id) DO NOTHING";
        acquire = "UPDATE " + table + " SET token = token + 1, lease_until =" + after + key
                + " AND (lease_until IS NULL OR lease_until <= clock_timestamp()) RETURNING " + COLUMNS;
        update = "UPDATE " + table + " SET status = ?, journal = ?, lease_until = CASE WHEN ?::bigint = 0 THEN NULL"
                + " ELSE clock_timestamp() + ?::bigint * interval '1 microsecond' END, updated_at = clock_timestamp()"
                + key + " AND token = ? AND lease_until IS NOT NULL RETURNING cancel_requested";
        release = "UPDATE " + table + " SET lease_until = NULL" + key + " AND token = ?";
        requestCancel = "UPDATE " + table + " SET cancel_requested = TRUE" + key;
        cancelRequested = "SELECT cancel_requested FROM " + table + key;
        find = "SELECT " + COLUMNS + " FROM " + table + key;
        String page = " ORDER BY updated_at DESC, id OFFSET ? LIMIT ?";
        listAll = "SELECT " + COLUMNS + " FROM " + table + " WHERE grp = ?" + page;
        listByStatus = "SELECT " + COLUMNS + " FROM " + table + " WHERE grp = ? AND status = ?" + page;
        remove = "DELETE FROM " + table + " WHERE ctid IN (SELECT ctid FROM " + table
                + " WHERE grp = ? AND name = ? AND status = ANY (?) AND updated_at < ? LIMIT ?)";
    }

    @Override
    public boolean create(String id, String name, String status, String journal) {
        Objects.requireNonNull(id, "id");
        JdbcChecks.payload(journal);
        return session.update("saga create", create, ps -> {
            ps.setString(1, group);
            ps.setString(2, id);
            ps.setString(3, Objects.requireNonNull(name, "name"));
            ps.setString(4, Objects.requireNonNull(status, "status"));
            ps.setString(5, journal);
        }) == 1;
    }

    @Override
    public Optional<SagaRecord> acquire(String id, Duration lease) {
        JdbcChecks.positive(lease, "lease");
        return session.query("saga acquire", acquire, ps -> {
            ps.setLong(1, JdbcChecks.micros(lease));
            ps.setString(2, group);
            ps.setString(3, Objects.requireNonNull(id, "id"));
        }, JdbcSagaStore::record).stream().findFirst();
    }

    @Override
    public Write update(String id, long token, String status, String journal, Duration lease) {
        Objects.requireNonNull(lease, "lease");
        JdbcChecks.payload(journal);
        List<Boolean> cancel = session.query("saga update", update, ps -> {
            ps.setString(1, Objects.requireNonNull(status, "status"));
            ps.setString(2, journal);
            ps.setLong(3, JdbcChecks.micros(lease));
            ps.setLong(4, JdbcChecks.micros(lease));
            ps.setString(5, group);
            ps.setString(6, Objects.requireNonNull(id, "id"));
            ps.setLong(7, token);
        }, rs -> rs.getBoolean(1));
        return cancel.isEmpty() ? Write.STALE : cancel.get(0) ? Write.WRITTEN_CANCEL_REQUESTED : Write.WRITTEN;
    }

    @Override
    public void release(String id, long token) {
        session.update("saga release", release, ps -> {
            ps.setString(1, group);
            ps.setString(2, Objects.requireNonNull(id, "id"));
            ps.setLong(3, token);
        });
    }

    @Override
    public boolean requestCancel(String id) {
        return session.update("saga cancel", requestCancel, ps -> bindKey(ps, id)) == 1;
    }

    @Override
    public boolean cancelRequested(String id) {
        return session.query("saga cancel check", cancelRequested, ps -> bindKey(ps, id), rs -> rs.getBoolean(1))
                .stream().findFirst().orElse(false);
    }

    @Override
    public Optional<SagaRecord> find(String id) {
        return session.query("saga find", find, ps -> bindKey(ps, id), JdbcSagaStore::record).stream().findFirst();
    }

    @Override
    public List<SagaRecord> list(String status, int offset, int limit) {
        if (offset < 0 || limit < 1) {
            throw new IllegalArgumentException("offset must be >= 0 and limit >= 1, were " + offset + ", " + limit);
        }
        return session.query("saga list", status == null ? listAll : listByStatus, ps -> {
            int i = 1;
            ps.setString(i++, group);
            if (status != null) {
                ps.setString(i++, status);
            }
            ps.setInt(i++, offset);
            ps.setInt(i, limit);
        }, JdbcSagaStore::record);
    }

    @Override
    public int removeUpdatedBefore(String name, List<String> statuses, Instant cutoff, int max) {
        return session.update("saga remove", remove, ps -> {
            ps.setString(1, group);
            ps.setString(2, Objects.requireNonNull(name, "name"));
            ps.setArray(3, ps.getConnection().createArrayOf("text", statuses.toArray()));
            ps.setTimestamp(4, Timestamp.from(cutoff));
            ps.setInt(5, max);
        });
    }

    private void bindKey(java.sql.PreparedStatement ps, String id) throws SQLException {
        ps.setString(1, group);
        ps.setString(2, Objects.requireNonNull(id, "id"));
    }

    private static SagaRecord record(ResultSet rs) throws SQLException {
        return new SagaRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                rs.getBoolean(6), rs.getObject(7, OffsetDateTime.class).toInstant());
    }

    @Override
    public String toString() {
        return "JdbcSagaStore[group=" + group + "]";
    }
}
