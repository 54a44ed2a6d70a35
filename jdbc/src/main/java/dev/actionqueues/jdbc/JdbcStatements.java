package dev.actionqueues.jdbc;

/**
 * The SQL of one queue's verbs, built once per queue from the validated table prefix. Group and
 * queue names, ids, payloads and durations are always bind parameters; the parameter order of each
 * statement is documented where {@link JdbcJobQueue} binds it. Durations travel as microseconds
 * ({@code ?::bigint * interval '1 microsecond'}); times are the database's ({@code now()}).
 *
 * <p>Statements that make a job available end, when {@code notify} is set, with one coalesced
 * {@code pg_notify(channel, group)}: at most one notification per statement, never per row, and
 * PostgreSQL folds identical ones of a transaction into one at commit.
 */
final class JdbcStatements {

    private static final String LEASED = " AND state = 'leased'";
    private static final String WAITING = " AND state = 'waiting'";
    private static final String WHERE = " WHERE grp = ? AND queue = ?";
    private static final String AFTER = " ?::bigint * interval '1 microsecond'";

    final String push;
    final String pushBatch;
    final String pushIfAbsent;
    final String debouncePending;
    final String debounceLock;
    final String debouncePush;
    final String debouncePrune;
    final String claim;
    final String completeAndClaim;
    final String nextWake;
    final String renew;
    final String expire;
    final String complete;
    final String completeBatch;
    final String release;
    final String deadLetter;
    final String replayError;
    final String list;
    final String find;
    final String remove;
    final String runNow;
    final String stats;
    final String flush;

    /**
     * @param prefix the validated table prefix
     * @param notify whether statements that make jobs available notify the channel (bound first,
     *     then the group, at the end of their parameters)
     */
    JdbcStatements(String prefix, boolean notify) {
        String table = prefix + "jobs";
        String debounce = prefix + "debounce";
        String tokens = prefix + "job_tokens";
        String columns = " (grp, queue, id, payload, state, due_at";

        // Parameters: grp, queue, id, payload, delay [, channel, group].
        push = notifying("INSERT INTO " + table + columns + ") VALUES (?, ?, ?, ?, 'waiting', now() +" + AFTER + ")",
                notify);
        // Parameters: grp, queue, ids[], payloads[], delays[] [, channel, group]. Rows keep the list's order.
        pushBatch = notifying("INSERT INTO " + table + columns + ") SELECT ?, ?, u.id, u.payload, 'waiting',"
                + " now() + u.delay * interval '1 microsecond'"
                + " FROM unnest(?::text[], ?::text[], ?::bigint[]) WITH ORDINALITY AS u(id, payload, delay, n)"
                + " ORDER BY u.n", notify);
        // Parameters: as push.
        pushIfAbsent = notifying("INSERT INTO " + table + columns + ", unique_id) VALUES"
                + " (?, ?, ?, ?, 'waiting', now() +" + AFTER + ", TRUE)"
                + " ON CONFLICT (grp, queue, id) WHERE unique_id DO NOTHING", notify);

        // Parameters: grp, queue, key.
        debouncePending = "SELECT pending_id FROM " + debounce + WHERE + " AND key = ? AND pending_id IS NOT NULL";
        // Creates the key's row or locks it; RETURNING runs after the lock, so the time is the decision's.
        debounceLock = "INSERT INTO " + debounce + " AS d (grp, queue, key) VALUES (?, ?, ?)"
                + " ON CONFLICT (grp, queue, key) DO UPDATE SET key = EXCLUDED.key"
                + " RETURNING d.pending_id, d.last_start, clock_timestamp()";
        // Parameters: grp, queue, id, payload, due, key, then pending id, last start, window, grp, queue, key
        // [, channel, group].
        debouncePush = notifying("INSERT INTO " + table + columns + ", debounce_key) VALUES (?, ?, ?, ?, 'waiting', ?, ?)",
                notify, "UPDATE " + debounce + " SET pending_id = ?, last_start = ?, window_us = greatest(window_us, ?),"
                        + " keep_until = NULL" + WHERE + " AND key = ?");
        // Parameters: grp, queue, limit. Keys that decide nothing any more: no waiting job, window over.
        debouncePrune = "DELETE FROM " + debounce + " WHERE ctid IN (SELECT ctid FROM " + debounce + WHERE
                + " AND pending_id IS NULL AND keep_until < now() LIMIT ?)";

        claim = claim(table, debounce, tokens, false);
        completeAndClaim = claim(table, debounce, tokens, true);
        // Parameters: grp, queue, grp, queue. How long until a delayed job is due or a lease runs out (null: never).
        nextWake = "SELECT extract(epoch FROM least("
                + "(SELECT min(due_at) FROM " + table + WHERE + WAITING + "),"
                + " (SELECT min(lease_until) FROM " + table + WHERE + LEASED + ")) - now())";

        String mine = "SELECT seq FROM " + table + WHERE + " AND id = ? AND token = ?" + LEASED;
        String byLease = WHERE + " AND id = ? AND token = ?" + LEASED;
        // The renewer serves every job of a worker, so it never waits for a row lock: a row locked by
        // another transaction (briefly by a concurrent claim, which locks rows it then finds leased;
        // or by the job's own transaction completing it) is left alone and reported as still held.
        // Parameters: grp, queue, id, token, lease duration. Columns: the new expiry (null if not
        // renewed), whether the lease is still held (renewed, or its row locked by another transaction).
        renew = "WITH mine AS (" + mine + "), renewed AS (UPDATE " + table + " SET lease_until = now() +" + AFTER
                + " WHERE seq = (SELECT seq FROM " + table + " WHERE seq IN (SELECT seq FROM mine)"
                + " FOR UPDATE SKIP LOCKED) RETURNING lease_until)"
                + " SELECT (SELECT lease_until FROM renewed), EXISTS (SELECT 1 FROM mine)";
        // Parameters: grp, queue, id, token [, channel, group]. Ends a dead worker's lease now: the next
        // claim (woken by the notification) finds it run out.
        expire = notifying("UPDATE " + table + " SET lease_until = now()" + byLease, notify);
        // Parameters: grp, queue, id, token.
        complete = "DELETE FROM " + table + byLease;
        // Parameters: ids[], tokens[], grp, queue.
        completeBatch = "DELETE FROM " + table + " t USING unnest(?::text[], ?::bigint[]) AS d(id, token)"
                + " WHERE t.grp = ? AND t.queue = ? AND t.id = d.id AND t.token = d.token AND t.state = 'leased'"
                + " RETURNING t.id, t.token";
        // The verbs below wait for a row lock (a claim's is short; the job's own completing transaction
        // ends when its handler commits or closes its connection).
        // Parameters: payload, delay, grp, queue, id, token [, channel, group].
        release = notifying("UPDATE " + table + " SET state = 'waiting', lease_until = NULL, deliveries = 0,"
                + " payload = ?, due_at = now() +" + AFTER + byLease, notify);
        // Parameters: payload, grp, queue, id, token. The row leaves the main queue and frees its id.
        deadLetter = "UPDATE " + table + " SET queue = 'error', state = 'waiting', lease_until = NULL,"
                + " deliveries = 0, unique_id = FALSE, payload = ?, due_at = now()" + byLease;
        // Parameters: payload, grp, id [, channel, group].
        replayError = notifying("UPDATE " + table + " SET queue = 'main', deliveries = 0, payload = ?, due_at = now()"
                + " WHERE seq = (SELECT seq FROM " + table + " WHERE grp = ? AND queue = 'error' AND id = ?"
                + WAITING + " ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)", notify);

        // Parameters: grp, queue, offset, limit.
        list = "SELECT id, payload FROM " + table + WHERE + WAITING + " ORDER BY due_at, seq OFFSET ? LIMIT ?";
        // Parameters: grp, queue, id.
        find = "SELECT id, payload FROM " + table + WHERE + " AND id = ?" + WAITING + " ORDER BY seq LIMIT 1";
        // Parameters: grp, queue, id, grp, queue. A removed debounced job stops being its key's pending job.
        remove = "WITH removed AS (DELETE FROM " + table + WHERE + " AND id = ?" + WAITING
                + " RETURNING id, debounce_key), freed AS (UPDATE " + debounce + " d SET pending_id = NULL,"
                + " keep_until = d.last_start + d.window_us * interval '1 microsecond'"
                + " FROM removed r WHERE r.debounce_key IS NOT NULL AND d.grp = ? AND d.queue = ?"
                + " AND d.key = r.debounce_key AND d.pending_id = r.id) SELECT count(*) FROM removed";
        // Parameters: grp, queue, id [, channel, group]. The job takes its place among the jobs due now.
        runNow = notifying("UPDATE " + table + " SET due_at = now()" + WHERE + " AND id = ?" + WAITING
                + " AND due_at > now()", notify);
        // Parameters: grp, queue.
        stats = "SELECT"
                + " count(*) FILTER (WHERE state = 'waiting' AND due_at <= now()"
                + " OR state = 'leased' AND lease_until <= now()),"
                + " count(*) FILTER (WHERE state = 'leased' AND lease_until > now()),"
                + " count(*) FILTER (WHERE state = 'waiting' AND due_at > now())"
                + " FROM " + table + WHERE;
        // Parameters: grp, queue, grp, queue.
        flush = "WITH d AS (DELETE FROM " + debounce + WHERE + ") DELETE FROM " + table + WHERE;
    }

    /**
     * One statement that claims: expired leases first (earliest expiry first), then waiting rows that
     * are due (due order, then push order), locked with SKIP LOCKED and leased with a new token. With
     * {@code done}, it first deletes finished jobs (arrays of ids and tokens; a row counts only while
     * its token holds the lease) and never picks those rows. Parameters: [ids[], tokens[], grp, queue
     * of the finished jobs,] grp, queue, max, grp, queue, max, max, lease duration, grp, queue.
     * Columns: kind (0: a claimed job, 1: a finished job deleted), id, payload, token, lease_until,
     * deliveries, priority, sort key, seq.
     */
    private static String claim(String table, String debounce, String tokens, boolean done) {
        return (done ? "WITH done AS (DELETE FROM " + table + " t USING unnest(?::text[], ?::bigint[]) AS d(id, token)"
                + " WHERE t.grp = ? AND t.queue = ? AND t.id = d.id AND t.token = d.token AND t.state = 'leased'"
                + " RETURNING t.seq, t.id, t.token)," : "WITH")
                + " expired AS (SELECT seq, 0 AS prio, lease_until AS k, debounce_key AS dkey FROM " + table
                + WHERE + LEASED + " AND lease_until <= now()"
                + (done ? " AND seq NOT IN (SELECT seq FROM done)" : "")
                + " ORDER BY lease_until, seq LIMIT ? FOR UPDATE SKIP LOCKED),"
                + " ready AS (SELECT seq, 1 AS prio, due_at AS k, debounce_key AS dkey FROM " + table + WHERE + WAITING
                + " AND due_at <= now() ORDER BY due_at, seq LIMIT ? FOR UPDATE SKIP LOCKED),"
                + " picked AS (SELECT * FROM expired UNION ALL SELECT * FROM ready LIMIT ?),"
                + " claimed AS (UPDATE " + table + " j SET state = 'leased',"
                + " lease_until = now() +" + AFTER + ","
                + " token = nextval('" + tokens + "'), deliveries = least(j.deliveries, 2147483646) + 1,"
                + " debounce_key = NULL"
                + " FROM picked p WHERE j.seq = p.seq"
                + " RETURNING j.id, j.payload, j.token, j.lease_until, j.deliveries, p.prio, p.k, j.seq, p.dkey),"
                // A debounced job that starts stops being its key's pending job; the key's last start moves.
                + " started AS (UPDATE " + debounce + " d SET pending_id = NULL,"
                + " last_start = greatest(d.last_start, now()),"
                + " keep_until = greatest(d.last_start, now()) + d.window_us * interval '1 microsecond'"
                + " FROM claimed c WHERE c.dkey IS NOT NULL"
                + " AND d.grp = ? AND d.queue = ? AND d.key = c.dkey AND d.pending_id = c.id)"
                + " SELECT 0, id, payload, token, lease_until, deliveries, prio, k, seq FROM claimed"
                + (done ? " UNION ALL SELECT 1, id, NULL, token, NULL, NULL, NULL, NULL, seq FROM done" : "");
    }

    /**
     * {@code statements} (data-changing, each may touch rows) in one statement; with {@code notify},
     * one notification if the first touched a row. The result is one row: the first statement's row
     * count.
     */
    private static String notifying(String first, boolean notify, String... then) {
        StringBuilder sql = new StringBuilder("WITH changed AS (").append(first).append(" RETURNING 1)");
        for (int i = 0; i < then.length; i++) {
            sql.append(", then").append(i).append(" AS (").append(then[i]).append(')');
        }
        sql.append(" SELECT (SELECT count(*) FROM changed)");
        if (notify) {
            sql.append(", (SELECT count(*) FROM (SELECT pg_notify(?, ?) FROM (SELECT 1 FROM changed LIMIT 1) c) n)");
        }
        return sql.toString();
    }
}
