package dev.actionqueues.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.jdbc.fault.WorkerJvm;
import dev.actionqueues.jdbc.fault.WorkerJvm.Work;
import dev.actionqueues.jdbc.testing.PrivatePostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL crashes ({@code pg_ctl stop -m immediate}: no checkpoint, the restart replays the WAL)
 * and comes back under a running worker, on a private server of this test's own (the shared one is
 * never stopped): the worker survives the outage, reconnects and resumes; every job whose enqueue
 * was acknowledged runs ({@code synchronous_commit=on}); only jobs leased at the crash run twice.
 */
class JdbcPostgresRestartTest {

    private PrivatePostgres server;
    private HikariDataSource dataSource;

    @BeforeEach
    void startServer() throws Exception {
        var unavailable = PrivatePostgres.unavailable();
        if (unavailable.isPresent()) {
            String reason = "a private PostgreSQL cannot run here: " + unavailable.get();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(reason + "; CI=true, so this is a failure");
            }
            System.err.println("[JdbcPostgresRestartTest] skipped: " + reason);
            Assumptions.abort(reason);
        }
        server = PrivatePostgres.start();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(server.jdbcUrl());
        config.setUsername("postgres");
        config.setMaximumPoolSize(6);
        config.setConnectionTimeout(500); // fail fast while the server is down: the worker backs off and retries
        config.setPoolName("aq-restart-test");
        dataSource = new HikariDataSource(config);
    }

    @AfterEach
    void stopServer() throws Exception {
        if (dataSource != null) {
            dataSource.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theWorkerReconnectsAfterACrashAndNoAcknowledgedJobIsLost() throws Exception {
        JdbcBackendFactory factory = JdbcBackendFactory.builder().dataSource(dataSource).build();
        Deferrable deferrable = Deferrable.builder(factory.createBackendForGroup("restart")).build();
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        TaskHandle<Work> work = WorkerJvm.register(deferrable, w -> {
            Thread.sleep(4);
            runs.computeIfAbsent(w.id(), k -> new AtomicInteger()).incrementAndGet();
        });
        List<Work> before = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            before.add(new Work("before-" + i));
        }
        for (int i = 0; i < before.size(); i += 100) {
            work.laterAll(before.subList(i, i + 100));
        }
        Set<String> leasedAtCrash;
        try (Worker worker = Worker.builder(deferrable).concurrency(4).leaseDuration(Duration.ofSeconds(2))
                .errorBackoff(Duration.ofMillis(100)).build().start()) {
            await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(5)).until(() -> runs.size() >= 150);

            server.stopServer("immediate");
            // The worker stalls: it can neither complete nor claim while the server is down.
            AtomicInteger seen = new AtomicInteger(-1);
            await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(300))
                    .until(() -> seen.getAndSet(runs.size()) == runs.size());
            int ranBeforeCrash = runs.size();
            server.startServer();
            leasedAtCrash = leasedWork();

            List<Work> after = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                after.add(new Work("after-" + i));
            }
            work.laterAll(after);
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                    .until(() -> runs.size() == 700 && deferrable.stats().available() + deferrable.stats().inFlight() == 0);
            assertThat(worker.isRunning()).as("the worker survived the outage").isTrue();

            Set<String> twice = runs.entrySet().stream().filter(e -> e.getValue().get() > 1).map(Map.Entry::getKey)
                    .collect(Collectors.toSet());
            System.out.printf("PostgreSQL crash under a worker: 700 jobs (600 before, 100 after), %d had run at the"
                    + " crash, lost %d, ran twice %d, leased at the crash %d%n", ranBeforeCrash, 700 - runs.size(),
                    twice.size(), leasedAtCrash.size());
            assertThat(leasedAtCrash).as("jobs that ran twice were leased at the crash").containsAll(twice);
        }
        assertThat(runs.keySet()).hasSize(700);
        assertThat(deferrable.stats().errors()).isZero();
    }

    /** The work ids of the leased rows, read on a connection of its own as soon as the server is back. */
    private Set<String> leasedWork() throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        Set<String> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), p); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT payload::json -> 'args' ->> 'id' FROM aq_jobs"
                        + " WHERE grp = 'restart' AND queue = 'main' AND state = 'leased'")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }
}
