package dev.actionqueues.jdbc.fault;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.jdbc.JdbcBackendFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The worker JVM that the reclaim test SIGKILLs: a {@link Deferrable} on the PostgreSQL backend
 * whose task {@code work} records its id in the {@link Ledger} when it starts, then runs for ten
 * minutes; a {@link Worker} with default settings (30 s lease, heartbeat) runs it. {@link #start}
 * launches it from a test with the test's class path; {@link #main} is the child's side.
 */
public final class SlowWorkerJvm {

    private SlowWorkerJvm() {
    }

    /** Launches the JVM (output appended to {@code log}); the password travels in the environment. */
    public static Process start(String url, String user, String password, String schema, String group,
            int concurrency, int prefetch, Path log) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx200m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), SlowWorkerJvm.class.getName(), url, user, schema, group,
                Integer.toString(concurrency), Integer.toString(prefetch)));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("AQ_TEST_PGPASSWORD", password == null ? "" : password);
        return pb.start();
    }

    /** Args: url, user, schema, group, concurrency, prefetch. */
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
        WorkerJvm.register(deferrable, work -> {
            Ledger.record(dataSource, work.id());
            Thread.sleep(600_000);
        });
        Worker.builder(deferrable).concurrency(Integer.parseInt(args[4])).prefetch(Integer.parseInt(args[5])).build()
                .start();
        System.out.println("worker started");
        Thread.currentThread().join();
    }
}
