package dev.actionqueues.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actionqueues.cli.it.LedgerTasks;
import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.DeferrableStats;
import dev.actionqueues.deferred.TaskDescriptor;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.deferred.TaskProvider;
import dev.actionqueues.deferred.testkit.RequiredService;
import dev.actionqueues.redis.RedisBackendFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged command ({@code target/actionqueues.jar}) as a process: the demo's key lines, stats
 * and the error queue on the embedded backend, the dashboard answering over HTTP, and a worker for a
 * user's tasks jar stopped with SIGTERM on Redis, counting every job's runs: none lost, none twice.
 */
class CommandProcessIT {

    private static final Path JAR = Path.of("target", "actionqueues.jar");
    private final String prefix = "aq-it-" + UUID.randomUUID();
    private String redisUrl;
    private final List<Process> started = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : started) {
            p.destroyForcibly();
        }
        if (redisUrl != null) {
            try (RedisBackendFactory f = RedisBackendFactory.builder().uri(redisUrl).keyPrefix(prefix).build()) {
                var b = f.createBackendForGroup("it");
                b.queue().flush();
                b.errorQueue().flush();
            }
        }
    }

    /** A command line: the JDK running this test, the packaged jar, then the arguments. */
    private static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private Process start(Map<String, String> env, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(args)).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private record Result(int code, String out) {
    }

    private Result run(String... args) throws Exception {
        Process p = start(Map.of(), args);
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p));
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("command finished: %s", List.of(args)).isTrue();
        return new Result(p.exitValue(), out.get(10, TimeUnit.SECONDS));
    }

    private static String read(Process p) {
        try {
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void theDemoRunsAndPrintsItsKeyLines() throws Exception {
        Result demo = run("demo");
        assertThat(demo.code()).as(demo.out()).isZero();
        assertThat(demo.out()).contains("rolled back", "error queue", "saga", "progress:");
    }

    @Test
    void statsErrorsAndUsageOnTheEmbeddedBackend() throws Exception {
        Result stats = run("stats", "--json");
        assertThat(stats.code()).isZero();
        JsonNode json = new ObjectMapper().readTree(stats.out());
        assertThat(json.get("group").asText()).isEqualTo("default");
        assertThat(json.get("waiting").asLong()).isZero();
        assertThat(run("errors", "list").out()).contains("0 job(s)");
        Result usage = run("errors", "replay");
        assertThat(usage.code()).isEqualTo(2);
        Result unreachable = run("stats", "--url", "redis://admin:s3cret@127.0.0.1:1");
        assertThat(unreachable.code()).isEqualTo(1);
        assertThat(unreachable.out()).doesNotContain("s3cret").startsWith("actionqueues: ")
                .as("no JVM warnings (Enable-Native-Access in the manifest)").doesNotContain("WARNING");
    }

    @Test
    void theDashboardServesItsApi() throws Exception {
        Process p = start(Map.of(), "dashboard", "--port", "0");
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = CompletableFuture.supplyAsync(() -> {
            try {
                return lines.readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(60, TimeUnit.SECONDS);
        assertThat(first).startsWith("dashboard for group default at http://127.0.0.1:");
        URI base = URI.create(first.substring(first.indexOf("http://"), first.indexOf(" (")).trim());
        HttpResponse<String> session = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(base.resolve("api/session")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(session.statusCode()).isEqualTo(200);
        assertThat(session.body()).contains("\"groups\":[\"default\"]");
        p.destroy();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /** A jar with the LedgerTasks provider, as a user would ship it. */
    private Path tasksJar() throws IOException {
        Path jar = dir.resolve("tasks.jar");
        String cls = LedgerTasks.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(cls));
            try (var in = LedgerTasks.class.getClassLoader().getResourceAsStream(cls)) {
                in.transferTo(out);
            }
            out.putNextEntry(new JarEntry("META-INF/services/" + TaskProvider.class.getName()));
            out.write((LedgerTasks.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }

    @Test
    void aWorkerStoppedWithSigtermFinishesWhatItRunsAndLosesNothing() throws Exception {
        redisUrl = RequiredService.redis();
        int jobs = 60;
        Result enqueued = run("enqueue", "it.work", "--args", "{\"n\":0}", "--url", redisUrl, "--prefix", prefix,
                "--group", "it");
        assertThat(enqueued.code()).as(enqueued.out()).isZero();
        try (RedisBackendFactory f = RedisBackendFactory.builder().uri(redisUrl).keyPrefix(prefix).build()) {
            Deferrable producer = Deferrable.builder(f.createBackendForGroup("it")).build();
            TaskHandle<JsonNode> work = producer.task(TaskDescriptor.of("it.work", JsonNode.class));
            ObjectMapper m = new ObjectMapper();
            for (int i = 1; i < jobs; i++) {
                work.later(m.createObjectNode().put("n", i));
            }
        }
        Path ledger = dir.resolve("ledger.txt");
        Map<String, String> env = new HashMap<>(Map.of("IT_LEDGER", ledger.toString(), "IT_WORK_MS", "150"));
        List<String> args = List.of("worker", "--tasks", tasksJar().toString(), "--concurrency", "4",
                "--shutdown-timeout", "20s", "--url", redisUrl, "--prefix", prefix, "--group", "it");

        Process worker = start(env, args.toArray(String[]::new));
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(worker));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(ledger) && Files.readAllLines(ledger).size() >= 10);
        worker.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its output)
        assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String printed = out.get(10, TimeUnit.SECONDS);
        assertThat(printed).contains("worker running on group it", "LedgerTasks", "stopping:", "stopped: ");

        List<String> ran = Files.readAllLines(ledger);
        DeferrableStats left;
        try (RedisBackendFactory f = RedisBackendFactory.builder().uri(redisUrl).keyPrefix(prefix).build()) {
            left = Deferrable.builder(f.createBackendForGroup("it")).build().stats();
        }
        assertThat(left.inFlight()).as("running jobs finished, prefetched ones were given back").isZero();
        assertThat(ran).doesNotHaveDuplicates();
        assertThat(ran.size() + left.available()).as("lost none: %s", printed).isEqualTo(jobs);

        Process again = start(env, args.toArray(String[]::new));
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.readAllLines(ledger).size() >= jobs);
        again.toHandle().destroy();
        assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> all = Files.readAllLines(ledger);
        assertThat(all).doesNotHaveDuplicates().hasSize(jobs);
        assertThat(all.stream().map(Integer::parseInt).collect(Collectors.toSet())).hasSize(jobs);
    }

}
