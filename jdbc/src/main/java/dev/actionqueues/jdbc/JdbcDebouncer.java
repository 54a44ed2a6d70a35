package dev.actionqueues.jdbc;

import dev.actionqueues.deferred.BackendException;
import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceDecision;
import dev.actionqueues.deferred.spi.DebounceResult;
import dev.actionqueues.deferred.spi.NewJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A queue's debounced pushes, in the debounce table. A key whose job still waits is skipped with one
 * read (the skip is true at that read). Otherwise one short transaction (or the caller's): lock the
 * key's row (created if missing), decide on the database clock, then push and record the pending
 * job. Keys that decide nothing any more are pruned now and then. Thread-safe.
 */
final class JdbcDebouncer {

    static final int PRUNE_BATCH = 1000;
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);
    private static final Duration PRUNE_BACKLOG = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(JdbcBackendFactory.class);

    private final JdbcSession session;
    private final JdbcStatements sql;
    private final String group;
    private final String queueName;
    private final String channel;
    private final AtomicLong nextPrune;

    /**
     * @param channel the notification channel, or null if pushes do not notify
     * @param nextPrune when old keys are pruned next ({@link System#nanoTime()}), shared by a
     *     queue's objects; null never to prune (a view joined to a caller's transaction)
     */
    JdbcDebouncer(JdbcSession session, JdbcStatements sql, String group, String queueName, String channel,
            AtomicLong nextPrune) {
        this.session = session;
        this.sql = sql;
        this.group = group;
        this.queueName = queueName;
        this.channel = channel;
        this.nextPrune = nextPrune;
    }

    DebounceResult push(NewJob job, Debounce debounce) {
        List<String> pending = session.query("pushDebounced", sql.debouncePending, ps -> bindKey(ps, debounce),
                rs -> rs.getString(1));
        if (!pending.isEmpty()) {
            return new DebounceResult(DebounceDecision.SKIP, pending.get(0), Duration.ZERO);
        }
        DebounceResult result = session.call("pushDebounced",
                c -> JdbcChecks.inTransaction(c, () -> push(c, job, debounce)));
        prune();
        return result;
    }

    /**
     * At most once a minute per queue (sooner while there is a backlog): deletes up to
     * {@value #PRUNE_BATCH} debounce keys that decide nothing any more. A failure is left to the next
     * time; the push it follows has succeeded.
     */
    private void prune() {
        if (nextPrune == null) {
            return;
        }
        long now = System.nanoTime();
        long due = nextPrune.get();
        if (now - due < 0 || !nextPrune.compareAndSet(due, now + PRUNE_EVERY.toNanos())) {
            return;
        }
        try {
            int pruned = session.update("pushDebounced", sql.debouncePrune, ps -> {
                ps.setString(1, group);
                ps.setString(2, queueName);
                ps.setInt(3, PRUNE_BATCH);
            });
            if (pruned == PRUNE_BATCH) {
                nextPrune.set(now + PRUNE_BACKLOG.toNanos());
            }
        } catch (BackendException e) {
            LOG.debug("Pruning debounce keys of group '{}' failed; trying again later", group, e);
        }
    }

    private DebounceResult push(Connection c, NewJob job, Debounce debounce) throws SQLException {
        String pendingId;
        Instant lastStart;
        Instant now;
        try (PreparedStatement ps = c.prepareStatement(sql.debounceLock)) {
            bindKey(ps, debounce);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                pendingId = rs.getString(1);
                OffsetDateTime t = rs.getObject(2, OffsetDateTime.class);
                lastStart = t == null ? null : t.toInstant();
                now = rs.getObject(3, OffsetDateTime.class).toInstant();
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
        try (PreparedStatement ps = c.prepareStatement(sql.debouncePush)) {
            ps.setString(1, group);
            ps.setString(2, queueName);
            ps.setString(3, job.id());
            ps.setString(4, job.payload());
            ps.setObject(5, due);
            ps.setString(6, debounce.key());
            ps.setString(7, job.id());
            ps.setObject(8, due);
            ps.setLong(9, JdbcChecks.micros(debounce.window()));
            ps.setString(10, group);
            ps.setString(11, queueName);
            ps.setString(12, debounce.key());
            if (channel != null) {
                ps.setString(13, channel);
                ps.setString(14, group);
            }
            ps.executeQuery().close();
        }
        return new DebounceResult(decision, job.id(), delay);
    }

    private void bindKey(PreparedStatement ps, Debounce debounce) throws SQLException {
        ps.setString(1, group);
        ps.setString(2, queueName);
        ps.setString(3, debounce.key());
    }
}
