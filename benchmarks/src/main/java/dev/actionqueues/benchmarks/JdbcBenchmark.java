package dev.actionqueues.benchmarks;

import static dev.actionqueues.benchmarks.Clocks.seconds;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.TaskDescriptor;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.jdbc.JdbcBackendFactory;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PostgreSQL backend against the local PostgreSQL, each figure beside the raw SQL that does the
 * same on the same database in the same run: enqueue one at a time and in batches (vs single and
 * batched JDBC inserts into a copy of the jobs table, same indexes), burn-down of pre-enqueued no-op
 * jobs through a Deferrable and its Worker at concurrency 1 and 16 (vs a raw loop that claims 32
 * rows with {@code FOR UPDATE SKIP LOCKED ... RETURNING} and deletes them: the ceiling), pickup
 * latency of an idle worker, and round trips per job counted on the client. Every connection runs
 * with {@code synchronous_commit=on}. Works in a schema of its own, dropped at the end.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.actionqueues.benchmarks.JdbcBenchmark [jdbc-url] [jobs]}
 * (default {@code jdbc:postgresql://127.0.0.1:5432/test}, user {@code postgres} or {@code PGUSER}, 50,000 jobs);
 * with a third argument {@code engine}, only the engine burn-downs and the raw loop (for profiling; which
 * burn-downs: {@code -Druns=1:0,16:0,16:31} as concurrency:prefetch pairs; {@code -DnoRaw=true} skips the raw loop).
 */
public final class JdbcBenchmark {

    static final String PAYLOAD = "{\"v\":1,\"task\":\"noop\",\"args\":{\"n\":1}}";

    /** Arguments of the no-op task. */
    public record Noop(int n) {
    }

    /** Arguments of the latency task: when it was enqueued, by {@link System#nanoTime()}. */
    public record Sent(long nanos) {
    }

    private static final AtomicInteger GROUPS = new AtomicInteger();

    private final HikariDataSource pool;
    private final CountingDataSource counted;
    private final JdbcBackendFactory factory;

    private JdbcBenchmark(HikariDataSource pool) {
        this.pool = pool;
        this.counted = new CountingDataSource(pool);
        this.factory = JdbcBackendFactory.builder().dataSource(counted.dataSource()).build();
    }

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "jdbc:postgresql://127.0.0.1:5432/test";
        int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        String schema = "aq_bench_" + UUID.randomUUID().toString().substring(0, 8);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(System.getenv().getOrDefault("PGUSER", "postgres"));
        config.setPassword(System.getenv("PGPASSWORD"));
        // Extra server settings for an experiment, e.g. -DpgOptions="-c plan_cache_mode=force_generic_plan".
        config.addDataSourceProperty("options", "-c synchronous_commit=on " + System.getProperty("pgOptions", ""));
        config.setMaximumPoolSize(24);
        try (HikariDataSource admin = new HikariDataSource(config)) {
            exec(admin, "CREATE SCHEMA " + schema);
            config.setSchema(schema);
            try (HikariDataSource pool = new HikariDataSource(config)) {
                if (args.length > 2 && args[2].equals("engine")) {
                    new JdbcBenchmark(pool).engineOnly(jobs);
                } else {
                    new JdbcBenchmark(pool).run(jobs);
                }
            } finally {
                exec(admin, "DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private void run(int jobs) throws Exception {
        System.out.printf("%s; synchronous_commit=%s, fsync=%s, plan_cache_mode=%s; schema %s%n",
                query("SELECT version()"), query("SHOW synchronous_commit"), query("SHOW fsync"),
                query("SHOW plan_cache_mode"), query("SELECT current_schema()"));
        exec(pool, "CREATE TABLE raw_jobs (LIKE aq_jobs INCLUDING ALL)");
        System.out.println("warm-up (JIT and caches: 2 x 20,000 jobs through every path)");
        int warm = Math.min(jobs, 20_000);
        for (int i = 0; i < 2; i++) {
            enqueue(warm / 2, 100, false);
            rawLoop(rawFill(warm), 16, false);
            engineBurnDown(warm, 16, 0, false);
            engineBurnDown(warm, 16, 31, false);
        }
        int single = Math.min(jobs, 5_000);
        enqueue(single, 1, true);
        enqueue(jobs, 100, true);
        for (int c : new int[] {1, 16}) {
            rawLoop(rawFill(jobs), c, true);
        }
        engineBurnDown(jobs, 1, 0, true);
        engineBurnDown(jobs, 16, 0, true);
        engineBurnDown(jobs, 16, 31, true);
        rawLoop(rawFill(jobs), 16, true);
        pickupLatency(200);
    }

    /** Profiling aid: a short warm-up, then only the engine burn-downs and the raw loop. */
    private void engineOnly(int jobs) throws Exception {
        exec(pool, "CREATE TABLE raw_jobs (LIKE aq_jobs INCLUDING ALL)");
        engineBurnDown(Math.min(jobs, 10_000), 16, 0, false);
        for (String run : System.getProperty("runs", "1:0,16:0,16:31").split(",")) {
            String[] cp = run.split(":");
            engineBurnDown(jobs, Integer.parseInt(cp[0]), Integer.parseInt(cp[1]), true);
        }
        if (!Boolean.getBoolean("noRaw")) {
            rawLoop(rawFill(jobs), 16, true);
        }
    }

    /** Enqueues through laterAll (or later() when batch is 1), then the same rows by raw JDBC. */
    private void enqueue(int n, int batch, boolean print) throws Exception {
        Backend backend = factory.createBackendForGroup("enqueue" + GROUPS.incrementAndGet());
        Deferrable deferrable = Deferrable.builder(backend).build();
        TaskHandle<Noop> noop = deferrable.task(TaskDescriptor.of("noop", Noop.class));
        counted.reset();
        long t0 = System.nanoTime();
        List<Noop> args = new ArrayList<>(batch);
        for (int i = 0; i < n; i++) {
            if (batch == 1) {
                noop.later(new Noop(i));
                continue;
            }
            args.add(new Noop(i));
            if (args.size() == batch) {
                noop.laterAll(args);
                args.clear();
            }
        }
        double engine = n / seconds(t0);
        double trips = counted.executes.sum() / (double) n;
        backend.queue().flush();

        long t1 = System.nanoTime();
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO raw_jobs"
                + " (grp, queue, id, payload, state, due_at) VALUES ('raw', 'main', ?, ?, 'waiting', now())")) {
            c.setAutoCommit(batch == 1);
            for (int i = 0; i < n; i++) {
                ps.setString(1, UUID.randomUUID().toString());
                ps.setString(2, PAYLOAD);
                if (batch == 1) {
                    ps.executeUpdate();
                    continue;
                }
                ps.addBatch();
                if ((i + 1) % batch == 0 || i == n - 1) {
                    ps.executeBatch();
                    c.commit();
                }
            }
            c.setAutoCommit(true);
        }
        double raw = n / seconds(t1);
        exec(pool, "TRUNCATE raw_jobs");
        if (print) {
            System.out.printf("enqueue %s: %,.0f jobs/s (%.2f statements per job) vs raw JDBC %s: %,.0f rows/s = %.0f%%%n",
                    batch == 1 ? "one at a time (later)" : "in batches of " + batch + " (laterAll)", engine, trips,
                    batch == 1 ? "INSERT per row, auto-commit" : "addBatch/executeBatch of " + batch + ", one commit",
                    raw, 100 * engine / raw);
        }
    }

    /** Fills raw_jobs with n waiting rows (one multi-row INSERT); returns n. */
    private int rawFill(int n) throws SQLException {
        exec(pool, "INSERT INTO raw_jobs (grp, queue, id, payload, state, due_at) SELECT 'raw', 'main',"
                + " gen_random_uuid()::text, '" + PAYLOAD + "', 'waiting', now() FROM generate_series(1, " + n + ")");
        exec(pool, "ANALYZE raw_jobs");
        return n;
    }

    /**
     * The ceiling: c threads, each claiming up to 32 rows in one statement (SKIP LOCKED, lease and
     * token set, RETURNING) and deleting what it claimed in a second, until the table is empty.
     */
    private void rawLoop(int n, int c, boolean print) throws Exception {
        String claim = "UPDATE raw_jobs j SET state = 'leased', lease_until = now() + interval '5 minutes',"
                + " token = j.token + 1, deliveries = j.deliveries + 1 WHERE seq IN (SELECT seq FROM raw_jobs"
                + " WHERE grp = 'raw' AND queue = 'main' AND state = 'waiting' AND due_at <= now()"
                + " ORDER BY due_at, seq LIMIT 32 FOR UPDATE SKIP LOCKED) RETURNING j.seq, j.id, j.payload, j.token";
        String delete = "DELETE FROM raw_jobs WHERE seq = ANY (?) AND state = 'leased'";
        AtomicInteger done = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(c);
        long t0 = System.nanoTime();
        for (int t = 0; t < c; t++) {
            Thread.ofPlatform().start(() -> {
                try (Connection conn = pool.getConnection(); PreparedStatement ps = conn.prepareStatement(claim);
                        PreparedStatement del = conn.prepareStatement(delete)) {
                    while (true) {
                        List<Long> seqs = new ArrayList<>(32);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                seqs.add(rs.getLong(1));
                            }
                        }
                        if (seqs.isEmpty()) {
                            return;
                        }
                        Array array = conn.createArrayOf("bigint", seqs.toArray());
                        del.setArray(1, array);
                        done.addAndGet(del.executeUpdate());
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                } finally {
                    finished.countDown();
                }
            });
        }
        finished.await();
        double rate = done.get() / seconds(t0);
        if (done.get() != n) {
            throw new IllegalStateException("raw loop deleted " + done.get() + " of " + n);
        }
        if (print) {
            System.out.printf("raw loop c=%d (claim 32 with SKIP LOCKED ... RETURNING, then DELETE): %,.0f jobs/s%n", c, rate);
        }
    }

    /** n no-op jobs enqueued, then a Worker runs them all: jobs per second to the last completion. */
    private void engineBurnDown(int n, int c, int prefetch, boolean print) throws Exception {
        Deferrable deferrable = Deferrable.builder(factory.createBackendForGroup("burn" + GROUPS.incrementAndGet()))
                .build();
        TaskHandle<Noop> noop = deferrable.register("noop", Noop.class, a -> { });
        List<Noop> args = new ArrayList<>(500);
        for (int i = 0; i < n; i++) {
            args.add(new Noop(i));
            if (args.size() == 500 || i == n - 1) {
                noop.laterAll(args);
                args.clear();
            }
        }
        exec(pool, "ANALYZE aq_jobs");
        counted.reset();
        long t0 = System.nanoTime();
        double rate;
        try (Worker worker = Worker.builder(deferrable).concurrency(c).prefetch(prefetch).build().start()) {
            while (worker.processed() < n) {
                Thread.sleep(1);
            }
            rate = n / seconds(t0); // to the last completion; the worker's shutdown is not measured
        }
        if (print) {
            System.out.printf("engine burn-down (Deferrable + Worker, no-op) c=%d prefetch=%d: %,.0f jobs/s"
                    + " (%.3f statements per job, %.2f ms in execute per statement)%n", c, prefetch, rate,
                    counted.executes.sum() / (double) n, counted.executeNanos.sum() / 1e6 / counted.executes.sum());
        }
    }

    /** An idle worker (one thread): from later() returning to the handler starting. */
    private void pickupLatency(int samples) throws Exception {
        Deferrable deferrable = Deferrable.builder(factory.createBackendForGroup("latency")).build();
        long[] latencies = new long[samples];
        AtomicInteger got = new AtomicInteger();
        Semaphore picked = new Semaphore(0);
        TaskHandle<Sent> task = deferrable.register("sent", Sent.class, s -> {
            latencies[got.getAndIncrement()] = System.nanoTime() - s.nanos();
            picked.release();
        });
        try (Worker worker = Worker.builder(deferrable).concurrency(1).build().start()) {
            for (int i = 0; i < samples; i++) {
                Thread.sleep(i * 37 % 101); // idle between jobs, at phases spread over the worker's poll interval
                task.later(new Sent(System.nanoTime()));
                picked.acquire();
            }
        }
        Arrays.sort(latencies);
        System.out.printf("pickup latency of an idle worker: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d samples)%n",
                latencies[samples / 2] / 1e6, latencies[samples * 99 / 100] / 1e6, latencies[samples - 1] / 1e6,
                samples);
    }

    private String query(String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void exec(javax.sql.DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

}
