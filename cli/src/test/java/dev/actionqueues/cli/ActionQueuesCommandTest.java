package dev.actionqueues.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.RunOutcome;
import dev.actionqueues.deferred.TaskOptions;
import dev.actionqueues.deferred.testkit.RequiredService;
import dev.actionqueues.redis.RedisBackendFactory;
import io.lettuce.core.RedisClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The command in-process, against the machine's Redis ({@code REDIS_URL}, default
 * 127.0.0.1:6379) under a unique key prefix, and on the embedded backend.
 */
class ActionQueuesCommandTest {

    record Mail(String to) {
    }

    private final String prefix = "aqcli-" + UUID.randomUUID().toString().substring(0, 8);
    private String url;

    /** What one run printed, and its exit code. */
    record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ActionQueuesCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    private String[] on(String... args) {
        String[] all = new String[args.length + 6];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--url", url, "--prefix", prefix, "--group", "shop"}, 0, all, args.length, 6);
        return all;
    }

    private String redis() {
        return RequiredService.redis();
    }

    @AfterEach
    void cleanUp() {
        if (url == null) {
            return;
        }
        RedisClient client = RedisClient.create(url);
        try (var c = client.connect()) {
            var keys = c.sync().keys(prefix + ":*");
            if (!keys.isEmpty()) {
                c.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }

    @Test
    void enqueueStatsAndTheErrorQueueOnRedis() {
        url = redis();
        Run enqueued = run(on("enqueue", "mail.send", "--args", "{\"to\":\"ada@example.com\"}"));
        assertThat(enqueued.code()).as(enqueued.err()).isZero();
        assertThat(enqueued.out()).startsWith("enqueued ");
        assertThat(run(on("enqueue", "mail.send", "--args", "{\"to\":\"x\"}", "--id", "once")).out())
                .startsWith("enqueued once");
        assertThat(run(on("enqueue", "mail.send", "--args", "{\"to\":\"x\"}", "--id", "once")).out())
                .startsWith("already queued: once");
        assertThat(run(on("enqueue", "report.build", "--delay", "10m")).code()).isZero();

        Run stats = run(on("stats", "--json"));
        assertThat(stats.out().trim()).startsWith(
                "{\"group\":\"shop\",\"waiting\":2,\"delayed\":1,\"inFlight\":0,\"errors\":0,\"oldestWaitingMs\":");

        Run waiting = run(on("jobs", "list", "--limit", "1"));
        assertThat(waiting.out()).contains("mail.send", "{\"to\":\"ada@example.com\"}", "1 job(s)", "next: --cursor");
        String cursor = waiting.out().substring(waiting.out().indexOf("--cursor '") + 10).split("'")[0];
        assertThat(run(on("jobs", "list", "--limit", "1", "--cursor", cursor)).out()).contains("{\"to\":\"x\"}")
                .doesNotContain("next:");
        assertThat(run(on("jobs", "list", "--state", "delayed", "--json")).out())
                .contains("\"task\":\"report.build\"", "\"state\":\"delayed\"", "\"next\":null");
        assertThat(run(on("jobs", "list", "--state", "sideways")).code()).isEqualTo(2);

        // A consumer whose handler fails for good: both mails end in the error queue.
        try (RedisBackendFactory factory = RedisBackendFactory.builder().uri(url).keyPrefix(prefix).build()) {
            Deferrable consumer = Deferrable.builder(factory.createBackendForGroup("shop")).build();
            consumer.register("mail.send", Mail.class, TaskOptions.builder().retryOn().build(), m -> {
                throw new IllegalStateException("no mail server for " + m.to());
            });
            assertThat(consumer.runOnce().status()).isEqualTo(RunOutcome.Status.ERRORED);
            assertThat(consumer.runOnce().status()).isEqualTo(RunOutcome.Status.ERRORED);
        }

        Run list = run(on("errors", "list", "--error-class", "IllegalStateException"));
        assertThat(list.out()).contains("mail.send", "java.lang.IllegalStateException", "2 job(s)");
        assertThat(run(on("errors", "list", "--task", "report.build")).out()).contains("0 job(s)");
        assertThat(run(on("errors", "list", "--text", "ADA@example")).out()).contains("1 job(s)");
        assertThat(run(on("errors", "list", "--json", "--limit", "1")).out()).startsWith("[{\"id\":")
                .contains("\"type\":\"java.lang.IllegalStateException\"");
        String id = enqueued.out().trim().substring("enqueued ".length());

        Run show = run(on("errors", "show", id));
        assertThat(show.out()).contains("{\"to\":\"ada@example.com\"}", "no mail server for ada@example.com",
                "at dev.actionqueues");

        assertThat(run(on("errors", "replay", id)).out()).contains("replayed " + id);
        assertThat(run(on("stats")).out()).contains("waiting   1", "errors    1", "oldest waiting job");
        assertThat(run(on("errors", "replay", "--all", "--task", "mail.send")).out()).contains("replayed 1 job(s)");

        Run missing = run(on("errors", "show", "no-such-job"));
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err().trim()).isEqualTo("actionqueues: no failed job no-such-job in group shop");

        assertThat(run(on("errors", "purge")).code()).as("no --yes").isEqualTo(2);
        assertThat(run(on("errors", "purge", "--yes")).out()).contains("purged 0 job(s)");
    }

    @Test
    void usageErrorsAreExitCodeTwoAndFailuresOneLineWithoutCredentials() {
        assertThat(run("nonsense").code()).isEqualTo(2);
        assertThat(run("errors", "replay").code()).isEqualTo(2);

        Run unreachable = run("stats", "--url", "redis://admin:s3cret@127.0.0.1:1");
        assertThat(unreachable.code()).isEqualTo(1);
        assertThat(unreachable.err()).startsWith("actionqueues: ").doesNotContain("s3cret").doesNotContain("\tat ");
        assertThat(unreachable.err().lines().count()).isEqualTo(1);

        Run unknown = run("stats", "--url", "mongodb://u:p@host/db");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("unknown backend URL 'mongodb://***@host/db'").doesNotContain("u:p");
    }

    @Test
    void theEmbeddedBackendIsTheDefault() {
        Run stats = run("stats");
        assertThat(stats.code()).isZero();
        assertThat(stats.out()).contains("group default", "waiting   0", "errors    0");
    }

    @Test
    void helpListsTheSubcommandsAndExitCodes() {
        Run help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("demo", "stats", "errors", "jobs", "enqueue", "worker", "dashboard",
                "Exit codes:", "2   usage error");
    }

    @Test
    void sqsUrlsReachAnSqsCompatibleEndpoint() {
        var server = org.elasticmq.rest.sqs.SQSRestServerBuilder.withInterface("127.0.0.1").withPort(0).start();
        String key = System.getProperty("aws.accessKeyId");
        String secret = System.getProperty("aws.secretAccessKey");
        System.setProperty("aws.accessKeyId", "AKIATESTONLYNOTREAL02");
        System.setProperty("aws.secretAccessKey", "cli-test-secret-not-real");
        try {
            int port = server.waitUntilStarted().localAddress().getPort();
            String sqs = "sqs://127.0.0.1:" + port + "?region=eu-west-1&create=true";
            Run enqueued = run("enqueue", "mail.send", "--args", "{\"to\":\"ada@example.com\"}", "--url", sqs,
                    "--group", "shop");
            assertThat(enqueued.code()).as(enqueued.err()).isZero();
            Run stats = run("stats", "--json", "--url", sqs, "--group", "shop");
            assertThat(stats.out()).contains("\"group\":\"shop\"", "\"waiting\":1");
            Run browse = run("jobs", "list", "--url", sqs, "--group", "shop");
            assertThat(browse.code()).isEqualTo(1);
            assertThat(browse.err()).contains("cannot browse").doesNotContain("cli-test-secret");
            Run missing = run("stats", "--url", "sqs://127.0.0.1:" + port + "?region=eu-west-1", "--group", "none");
            assertThat(missing.code()).isEqualTo(1);
            assertThat(run("stats", "--url", "sqs://k:s@eu-west-1").err()).contains("takes no credentials")
                    .doesNotContain("k:s");
            assertThat(run("stats", "--url", "sqs://eu-west-1?colour=red").err()).contains("unknown sqs:// URL parameter");
        } finally {
            restore("aws.accessKeyId", key);
            restore("aws.secretAccessKey", secret);
            server.stopAndWait();
        }
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }
}
