package dev.actionqueues.jdbc;

import dev.actionqueues.deferred.spi.JobPage;
import dev.actionqueues.deferred.spi.JobSnapshot;
import dev.actionqueues.deferred.spi.JobState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code browse} of one queue: one indexed keyset query per page. A cursor is
 * {@code <key in epoch microseconds>:<seq>} of the last row shown, the key being the state's sort
 * column (due time for waiting and delayed jobs, lease expiry for jobs in flight); the next page
 * starts strictly after it, so rows that come and go in between do not shift the pages. Thread-safe.
 */
final class JdbcBrowse {

    private static final String KEY_MICROS = "(extract(epoch FROM k) * 1000000)::bigint";
    private static final String AFTER = " AND (k, seq) > (timestamptz 'epoch' + ?::bigint * interval '1 microsecond', ?)";

    private final JdbcSession session;
    private final String group;
    private final String queue;
    private final Map<JobState, String[]> statements = new EnumMap<>(JobState.class);

    JdbcBrowse(JdbcSession session, String table, String group, String queue) {
        this.session = session;
        this.group = group;
        this.queue = queue;
        define(table, JobState.WAITING, "due_at", "state = 'waiting' AND due_at <= now()");
        define(table, JobState.DELAYED, "due_at", "state = 'waiting' AND due_at > now()");
        define(table, JobState.IN_FLIGHT, "lease_until", "state = 'leased'");
    }

    private void define(String table, JobState state, String key, String condition) {
        // Parameters: grp, queue [, key micros, seq], limit. The subquery names the sort column k.
        String base = "SELECT id, payload, due_at, lease_until, deliveries, seq, " + KEY_MICROS + " FROM (SELECT *, "
                + key + " AS k FROM " + table + " WHERE grp = ? AND queue = ? AND " + condition + ") j WHERE TRUE";
        String tail = " ORDER BY k, seq LIMIT ?";
        statements.put(state, new String[] {base + tail, base + AFTER + tail});
    }

    JobPage page(JobState state, String cursor, int limit) {
        long[] after = cursor == null ? null : parse(cursor);
        String statement = statements.get(state)[after == null ? 0 : 1];
        List<Row> rows = session.query("browse", statement, ps -> {
            int i = 1;
            ps.setString(i++, group);
            ps.setString(i++, queue);
            if (after != null) {
                ps.setLong(i++, after[0]);
                ps.setLong(i++, after[1]);
            }
            ps.setInt(i, limit + 1);
        }, rs -> row(rs, state));
        List<JobSnapshot> jobs = new ArrayList<>(Math.min(limit, rows.size()));
        for (int i = 0; i < rows.size() && i < limit; i++) {
            jobs.add(rows.get(i).job);
        }
        String next = rows.size() > limit ? rows.get(limit - 1).cursor : null;
        return JobPage.of(jobs, next);
    }

    private record Row(JobSnapshot job, String cursor) {
    }

    private static Row row(ResultSet rs, JobState state) throws SQLException {
        Instant due = state == JobState.IN_FLIGHT ? null : instant(rs, 3);
        Instant lease = state == JobState.IN_FLIGHT ? instant(rs, 4) : null;
        JobSnapshot job = new JobSnapshot(rs.getString(1), rs.getString(2), state, due, lease, rs.getInt(5));
        return new Row(job, rs.getLong(7) + ":" + rs.getLong(6));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static long[] parse(String cursor) {
        int colon = cursor.indexOf(':');
        try {
            if (colon > 0) {
                return new long[] {Long.parseLong(cursor.substring(0, colon)), Long.parseLong(cursor.substring(colon + 1))};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("not a cursor of this queue: " + cursor);
    }
}
