package dev.actionqueues.jdbc.fault;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.JobContext;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.deferred.TaskOptions;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.jdbc.JdbcBackendFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A worker in a JVM of its own, for tests that SIGKILL it: a {@link Deferrable} on the PostgreSQL
 * backend with one task, {@code work}, whose handler sleeps a few ms and then records the job's id
 * in the {@link Ledger}; a {@link Worker} runs it. {@link #start} launches it from a test with the
 * test's class path; {@link #main} is the child's side.
 */
public final class WorkerJvm {

    /** The arguments of the task: the id the ledger records. */
    public record Work(String id) {
    }

    /**
     * Where the child connects and how it works. With {@code transactional}, the handler writes its
     * ledger row and completes the job in one transaction (JobContext.completeInTransaction), and
     * the JVM halts between those and the commit the first time it runs a job whose id starts with
     * {@code die-}.
     */
    public record Settings(String url, String user, String password, String schema, String group, int concurrency,
            int prefetch, Duration lease, Duration work, boolean transactional) {
    }

    private WorkerJvm() {
    }

    /** The task as the producer (the test) and the worker register it. */
    public static TaskHandle<Work> register(Deferrable deferrable, dev.actionqueues.deferred.TaskHandler<Work> handler) {
        return deferrable.register("work", Work.class, TaskOptions.builder().maxAttempts(5).build(), handler);
    }

    /**
     * Launches a worker JVM (its output appended to {@code log}); the password travels in the
     * environment, not on the command line.
     */
    public static Process start(Settings s, Path log) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx200m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), WorkerJvm.class.getName(), s.url(), s.user(), s.schema(),
                s.group(), Integer.toString(s.concurrency()), Integer.toString(s.prefetch()),
                Long.toString(s.lease().toMillis()), Long.toString(s.work().toMillis()),
                Boolean.toString(s.transactional())));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("AQ_TEST_PGPASSWORD", s.password() == null ? "" : s.password());
        return pb.start();
    }

    /** Args: url, user, schema, group, concurrency, prefetch, lease ms, work ms, transactional. */
    public static void main(String[] args) throws Exception {
        // The test JVM holds our stdin open; when it ends, however it ends, so do we.
        Thread.ofPlatform().daemon().start(() -> {
            try {
                System.in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                // gone either way
            }
            Runtime.getRuntime().halt(0);
        });
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[0]);
        Properties credentials = new Properties();
        credentials.setProperty("user", args[1]);
        String password = System.getenv("AQ_TEST_PGPASSWORD");
        if (password != null && !password.isEmpty()) {
            credentials.setProperty("password", password);
        }
        config.setDataSourceProperties(credentials);
        config.setSchema(args[2]);
        config.setMaximumPoolSize(8);
        HikariDataSource dataSource = new HikariDataSource(config);
        JdbcBackendFactory factory = JdbcBackendFactory.builder().dataSource(dataSource).createSchema(false).build();
        Deferrable deferrable = Deferrable.builder(factory.createBackendForGroup(args[3])).build();
        long workMs = Long.parseLong(args[7]);
        if (Boolean.parseBoolean(args[8])) {
            register(deferrable, work -> {
                Thread.sleep(workMs);
                try (Connection c = dataSource.getConnection()) {
                    c.setAutoCommit(false);
                    Ledger.record(c, work.id());
                    JobContext.current().orElseThrow().completeInTransaction(c);
                    if (work.id().startsWith("die-") && Ledger.firstDeath(dataSource, work.id())) {
                        Runtime.getRuntime().halt(9); // between the write and its commit
                    }
                    c.commit();
                }
            });
        } else {
            register(deferrable, work -> {
                Thread.sleep(workMs);
                Ledger.record(dataSource, work.id());
            });
        }
        Worker.builder(deferrable).concurrency(Integer.parseInt(args[4])).prefetch(Integer.parseInt(args[5]))
                .leaseDuration(Duration.ofMillis(Long.parseLong(args[6]))).build().start();
        System.out.println("worker started");
        Thread.currentThread().join();
    }
}
