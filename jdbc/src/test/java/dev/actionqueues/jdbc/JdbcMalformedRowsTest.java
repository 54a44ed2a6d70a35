package dev.actionqueues.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.ErrorEntry;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.jdbc.fault.WorkerJvm;
import dev.actionqueues.jdbc.fault.WorkerJvm.Work;
import dev.actionqueues.jdbc.testing.PostgresSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rows written by hand into the jobs table among good jobs, run by a Worker: every malformed one
 * ends in the error queue with a reason that says what is wrong, every good one runs once, and the
 * worker survives. The payloads are what a buggy producer, a hand-edited row or another program
 * could leave: not JSON, cut-off JSON, the wrong shape, an unknown task, no arguments, arguments
 * that do not fit, NUL-free binary garbage, attempts that are not an int, and attempt and delivery
 * counts far beyond the task's limit.
 */
class JdbcMalformedRowsTest {

    /** A kind of malformed row: its payload and delivery count, and words its error reason must contain. */
    record Bad(String payload, int deliveries, String reason) {

        Bad(String payload, String reason) {
            this(payload, 0, reason);
        }
    }

    static final Map<String, Bad> MALFORMED = new LinkedHashMap<>();

    static {
        MALFORMED.put("empty", new Bad("", "does not parse"));
        MALFORMED.put("not-json", new Bad("not json at all", "does not parse"));
        MALFORMED.put("cut-off", new Bad("{\"v\":1,\"task\":\"work\",\"args\":{\"id\":", "does not parse"));
        MALFORMED.put("array", new Bad("[1,2,3]", "does not parse"));
        MALFORMED.put("null", new Bad("null", "does not parse"));
        MALFORMED.put("binary", new Bad("\u0001\u0002\u00ff\ufffd\u200b garbage \\x00", "does not parse"));
        MALFORMED.put("unknown-task", new Bad("{\"v\":1,\"task\":\"nope\",\"args\":{}}", "unknown task 'nope'"));
        MALFORMED.put("no-task", new Bad("{\"v\":1,\"args\":{\"id\":\"x\"}}", "no task"));
        MALFORMED.put("no-args", new Bad("{\"v\":1,\"task\":\"work\",\"attempts\":0}", "no args"));
        MALFORMED.put("args-array", new Bad("{\"v\":1,\"task\":\"work\",\"args\":[1,2,3]}", "do not fit"));
        MALFORMED.put("args-wrong-type", new Bad("{\"v\":1,\"task\":\"work\",\"args\":{\"id\":{\"a\":1}}}",
                "do not fit"));
        MALFORMED.put("attempts-beyond-long", new Bad(
                "{\"v\":1,\"task\":\"work\",\"args\":{\"id\":\"x\"},\"attempts\":99999999999999999999}",
                "does not parse"));
        MALFORMED.put("attempts-text", new Bad(
                "{\"v\":1,\"task\":\"work\",\"args\":{\"id\":\"x\"},\"attempts\":\"many\"}", "does not parse"));
        // Counts far beyond the task's 5 attempts (an int's maximum: JdbcIntLimitCountsTest).
        MALFORMED.put("deliveries-million", new Bad("{\"v\":1,\"task\":\"work\",\"args\":{\"id\":\"x\"}}",
                1_000_000, "delivered 1000001 times"));
        MALFORMED.put("attempts-million", new Bad(
                "{\"v\":1,\"task\":\"work\",\"args\":{\"id\":\"x\"},\"attempts\":1000000}", "attempts allowed"));
    }

    private static final int GOOD = 300;
    private static final int EACH = 10;

    @RegisterExtension
    static final PostgresSchema DB = new PostgresSchema("bad_");

    @Test
    void malformedRowsEndInTheErrorQueueWithAReasonAndGoodJobsAllRun() throws Exception {
        Deferrable deferrable = Deferrable.builder(DB.factory().createBackendForGroup("g")).build();
        Set<String> ran = ConcurrentHashMap.newKeySet();
        TaskHandle<Work> work = WorkerJvm.register(deferrable, w -> {
            if (!ran.add(w.id())) {
                throw new AssertionError("ran twice: " + w.id());
            }
        });
        Map<String, String> expectedReason = new LinkedHashMap<>();
        List<Map.Entry<String, Bad>> rows = new ArrayList<>();
        for (int i = 0; i < EACH; i++) {
            for (var kind : MALFORMED.entrySet()) {
                String id = kind.getKey() + "-" + i;
                rows.add(Map.entry(id, kind.getValue()));
                expectedReason.put(id, kind.getValue().reason());
            }
        }
        for (int i = 0; i < GOOD; i++) {
            work.later(new Work("good-" + i));
            if (i < rows.size()) {
                insert("bad_jobs", "g", rows.get(i).getKey(), rows.get(i).getValue());
            }
        }
        for (int i = GOOD; i < rows.size(); i++) {
            insert("bad_jobs", "g", rows.get(i).getKey(), rows.get(i).getValue());
        }

        try (Worker worker = Worker.builder(deferrable).concurrency(4).prefetch(8).build().start()) {
            await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                    .until(() -> ran.size() == GOOD && deferrable.stats().errors() == rows.size());
            assertThat(worker.isRunning()).isTrue();
        }
        List<ErrorEntry> errors = deferrable.errors(0, 1000);
        assertThat(errors).hasSize(rows.size());
        for (ErrorEntry e : errors) {
            assertThat(e.error().reason()).as(e.jobId()).contains(expectedReason.get(e.jobId()));
        }
        assertThat(ran).allMatch(id -> id.startsWith("good-"));
        assertThat(deferrable.stats()).satisfies(s -> {
            assertThat(s.available() + s.inFlight() + s.delayed()).isZero();
        });
        System.out.printf("malformed rows: %d of %d kinds in the error queue with their reasons, %d good jobs ran%n",
                errors.size(), MALFORMED.size(), ran.size());
    }

    /** A row as a hand-written INSERT would leave it: waiting, due now. */
    private static void insert(String table, String group, String id, Bad row) throws SQLException {
        try (Connection c = DB.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO " + table + " (grp, queue, id, payload, state, due_at, deliveries)"
                + " VALUES (?, 'main', ?, ?, 'waiting', now(), ?)")) {
            ps.setString(1, group);
            ps.setString(2, id);
            ps.setString(3, row.payload());
            ps.setInt(4, row.deliveries());
            ps.executeUpdate();
        }
    }
}
