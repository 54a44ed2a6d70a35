package dev.actionqueues.benchmarks;

import static dev.actionqueues.benchmarks.Clocks.seconds;
import static dev.actionqueues.benchmarks.Clocks.jvmCpuNanos;
import static dev.actionqueues.benchmarks.Clocks.cpuPercent;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.sqs.SqsBackendFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The SQS backend against an SQS-compatible server (ElasticMQ) started in this JVM on a loopback
 * port, beside the raw AWS SDK on the same server in the same run (the limit): enqueue one at a time
 * ({@code later()} against {@code SendMessage}) and in batches ({@code laterAll} against
 * {@code SendMessageBatch} of 10), and the burn-down of pre-enqueued no-op jobs at concurrency 1 and
 * 16 through a {@code Deferrable} and its {@code Worker} against threads that loop
 * {@code ReceiveMessage(10)} + {@code DeleteMessageBatch}. Every SQS call the client makes is counted
 * by operation, so the calls per job are printed beside each rate.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.actionqueues.benchmarks.SqsBenchmark [jobs]}
 * (default 20,000); {@code -Dprefetch=N} sets the prefetch of the engine runs with a prefetch (default 32; a prefetch
 * larger than SQS's 10 messages a call is filled by several receives). Add {@code engine} after the job count to run only
 * the engine at c = 16 (four warm-up burn-downs, then five measured), for profiling.
 */
public final class SqsBenchmark {

    private static final String BODY = "{\"task\":\"noop\",\"args\":{}}";
    private static final AtomicInteger GROUPS = new AtomicInteger();
    private static final CallCounter CALLS = new CallCounter();

    private SqsBenchmark() {
    }

    /** Arguments of the no-op task. */
    public record Noop(int n) {
    }

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int prefetch = Integer.getInteger("prefetch", 32);
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(0).start();
        int port = server.waitUntilStarted().localAddress().getPort();
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        try (SqsClient client = SqsClient.builder().endpointOverride(endpoint).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
                .overrideConfiguration(o -> o.addExecutionInterceptor(CALLS)).build()) {
            SqsBackendFactory factory = SqsBackendFactory.builder().client(client).createQueues(true).build();

            if (args.length > 1 && args[1].equals("engine")) {
                // Only the engine burn-down at c = 16, after a warm-up, five times: for profiling. The
                // server and the SDK need as long a warm-up as the full harness gives them.
                for (int i = 0; i < 4; i++) {
                    engineBurnDown(factory, jobs, 16, prefetch);
                }
                for (int i = 0; i < 5; i++) {
                    double rate = engineBurnDown(factory, jobs, 16, prefetch);
                    System.out.printf("engine burn-down c=16 prefetch=%d: %.0f jobs/s (JVM CPU %.0f%%); calls per job: %s%n",
                            prefetch, rate, lastCpu, CALLS.perJob(jobs));
                }
                return;
            }
            System.out.println("warm-up (not measured):");
            for (int round = 0; round < 2; round++) {
                rawSendOne(client, 2_000);
                rawSendBatch(client, 10_000);
                rawBurnDown(client, 10_000, 16);
                laterOne(factory, 2_000);
                laterAll(factory, 10_000);
                engineBurnDown(factory, 10_000, 16, prefetch);
                engineBurnDown(factory, 5_000, 1, 0);
            }

            System.out.println("measured:");
            int single = Math.max(1_000, jobs / 4);
            Map<String, Double> r = new TreeMap<>();
            r.put("raw SendMessage", rawSendOne(client, single));
            r.put("later()", laterOne(factory, single));
            report("enqueue one at a time", r.get("later()"), r.get("raw SendMessage"), single);
            r.put("raw SendMessageBatch", rawSendBatch(client, jobs));
            System.out.printf("  (raw SendMessageBatch with the two message attributes every job carries: %.0f msgs/s)%n",
                    rawSendBatchWithAttributes(client, jobs));
            r.put("laterAll", laterAll(factory, jobs));
            report("enqueue in batches (laterAll of 100 / SendMessageBatch of 10)", r.get("laterAll"),
                    r.get("raw SendMessageBatch"), jobs);
            for (int c : new int[] {1, 16}) {
                double raw = rawBurnDown(client, jobs, c);
                double rawCpu = lastCpu;
                double rawAsEngine = rawBurnDown(client, jobs, c, true);
                System.out.printf("  raw burn-down c=%d (ReceiveMessage(10) + DeleteMessageBatch): %.0f msgs/s (JVM CPU"
                        + " %.0f%%); with the engine's attributes sent and asked for: %.0f msgs/s (%.0f%%)%n", c, raw,
                        rawCpu, rawAsEngine, lastCpu);
                for (int p : new int[] {0, prefetch}) {
                    double engine = engineBurnDown(factory, jobs, c, p);
                    report("engine burn-down c=" + c + " prefetch=" + p, engine, raw, jobs);
                    System.out.printf("    = %.0f%% of the raw loop with the engine's attributes (JVM CPU %.0f%%)%n",
                            100 * engine / rawAsEngine, lastCpu);
                }
            }
        } finally {
            server.stopAndWait();
        }
    }

    private static void report(String what, double rate, double raw, int jobs) {
        System.out.printf("  %s: %.0f jobs/s = %.0f%% of raw (%.0f/s); calls per job: %s%n", what, rate,
                100 * rate / raw, raw, CALLS.perJob(jobs));
    }

    // ---- raw AWS SDK on the same server: the limit ----

    private static String rawQueue(SqsClient client) {
        return client.createQueue(b -> b.queueName("raw_" + GROUPS.incrementAndGet())).queueUrl();
    }

    private static double rawSendOne(SqsClient client, int n) {
        String url = rawQueue(client);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            client.sendMessage(b -> b.queueUrl(url).messageBody(BODY));
        }
        double rate = n / seconds(t0);
        client.deleteQueue(b -> b.queueUrl(url));
        return rate;
    }

    private static double rawSendBatch(SqsClient client, int n) {
        String url = rawQueue(client);
        long t0 = System.nanoTime();
        sendBatches(client, url, n);
        double rate = n / seconds(t0);
        client.deleteQueue(b -> b.queueUrl(url));
        return rate;
    }

    /** Where the time of {@code laterAll} goes: the same raw batches, each message with an id and a generation. */
    private static double rawSendBatchWithAttributes(SqsClient client, int n) {
        String url = rawQueue(client);
        long t0 = System.nanoTime();
        sendBatches(client, url, n, true);
        double rate = n / seconds(t0);
        client.deleteQueue(b -> b.queueUrl(url));
        return rate;
    }

    private static void sendBatches(SqsClient client, String url, int n) {
        sendBatches(client, url, n, false);
    }

    private static void sendBatches(SqsClient client, String url, int n, boolean attributes) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(10);
        for (int i = 0; i < n; i++) {
            var entry = SendMessageBatchRequestEntry.builder().id(Integer.toString(entries.size())).messageBody(BODY);
            if (attributes) {
                entry.messageAttributes(Map.of(
                        "aq-id", MessageAttributeValue.builder().dataType("String")
                                .stringValue(java.util.UUID.randomUUID().toString()).build(),
                        "aq-gen", MessageAttributeValue.builder().dataType("Number").stringValue("0").build()));
            }
            entries.add(entry.build());
            if (entries.size() == 10 || i == n - 1) {
                List<SendMessageBatchRequestEntry> batch = List.copyOf(entries);
                client.sendMessageBatch(b -> b.queueUrl(url).entries(batch));
                entries.clear();
            }
        }
    }

    /** {@code concurrency} threads loop ReceiveMessage(10, no wait) + DeleteMessageBatch until all are gone. */
    private static double rawBurnDown(SqsClient client, int n, int concurrency) throws InterruptedException {
        return rawBurnDown(client, n, concurrency, false);
    }

    /**
     * {@code concurrency} threads loop ReceiveMessage(10, no wait) + DeleteMessageBatch until all are gone;
     * with {@code asTheEngine}, the messages carry the engine's two message attributes and each receive asks
     * for them and for the system attributes the engine reads (receive count, sent time), so the server does
     * the same work per message as for the engine.
     */
    private static double rawBurnDown(SqsClient client, int n, int concurrency, boolean asTheEngine)
            throws InterruptedException {
        String url = rawQueue(client);
        sendBatches(client, url, n, asTheEngine);
        LongAdder done = new LongAdder();
        CountDownLatch finished = new CountDownLatch(concurrency);
        long cpu0 = jvmCpuNanos();
        long t0 = System.nanoTime();
        for (int t = 0; t < concurrency; t++) {
            Thread.ofVirtual().start(() -> {
                try {
                    while (done.sum() < n) {
                        List<Message> got = client.receiveMessage(b -> {
                            b.queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(60).waitTimeSeconds(0);
                            if (asTheEngine) {
                                b.messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                                        MessageSystemAttributeName.SENT_TIMESTAMP)
                                        .messageAttributeNames("aq-id", "aq-gen");
                            }
                        }).messages();
                        if (got.isEmpty()) {
                            continue;
                        }
                        List<DeleteMessageBatchRequestEntry> del = new ArrayList<>(got.size());
                        for (Message m : got) {
                            del.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(del.size()))
                                    .receiptHandle(m.receiptHandle()).build());
                        }
                        client.deleteMessageBatch(b -> b.queueUrl(url).entries(del));
                        done.add(got.size());
                    }
                } finally {
                    finished.countDown();
                }
            });
        }
        finished.await();
        double rate = n / seconds(t0);
        lastCpu = cpuPercent(cpu0, t0);
        client.deleteQueue(b -> b.queueUrl(url));
        return rate;
    }

    // ---- the library ----

    private static TaskHandle<Noop> noop(Backend backend) {
        return Deferrable.builder(backend).build().register("noop", Noop.class, a -> { });
    }

    private static Backend backend(SqsBackendFactory factory, String kind) {
        return factory.createBackendForGroup(kind + GROUPS.incrementAndGet());
    }

    private static double laterOne(SqsBackendFactory factory, int n) {
        TaskHandle<Noop> noop = noop(backend(factory, "one"));
        CALLS.reset();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            noop.later(new Noop(i));
        }
        return n / seconds(t0);
    }

    private static double laterAll(SqsBackendFactory factory, int n) {
        TaskHandle<Noop> noop = noop(backend(factory, "all"));
        CALLS.reset();
        long t0 = System.nanoTime();
        fill(noop, n);
        return n / seconds(t0);
    }

    private static void fill(TaskHandle<Noop> noop, int n) {
        List<Noop> batch = new ArrayList<>(100);
        for (int i = 0; i < n; i++) {
            batch.add(new Noop(i));
            if (batch.size() == 100 || i == n - 1) {
                noop.laterAll(batch);
                batch.clear();
            }
        }
    }

    /** Enqueues {@code n} no-op jobs, then times a worker running them all (to the last completion). */
    private static double engineBurnDown(SqsBackendFactory factory, int n, int concurrency, int prefetch)
            throws InterruptedException {
        Backend backend = backend(factory, "engine");
        Deferrable deferrable = Deferrable.builder(backend).build();
        TaskHandle<Noop> noop = deferrable.register("noop", Noop.class, a -> { });
        fill(noop, n);
        CALLS.reset();
        long cpu0 = jvmCpuNanos();
        long t0 = System.nanoTime();
        double rate;
        try (Worker worker = Worker.builder(deferrable).concurrency(concurrency).prefetch(prefetch).build().start()) {
            while (worker.processed() < n) {
                Thread.sleep(1);
            }
            rate = n / seconds(t0);
            lastCpu = cpuPercent(cpu0, t0);
        }
        return rate;
    }

    /** The JVM's CPU (engine or raw loop, SDK client and ElasticMQ together) over the last burn-down, in % of one core. */
    private static volatile double lastCpu;




    /** Counts the SDK client's calls by operation since the last {@link #reset()}. */
    private static final class CallCounter implements ExecutionInterceptor {
        private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            calls.computeIfAbsent(context.request().getClass().getSimpleName().replace("Request", ""),
                    k -> new LongAdder()).increment();
        }

        void reset() {
            calls.clear();
        }

        /** The calls since the last reset per job, by operation. */
        String perJob(int jobs) {
            StringBuilder s = new StringBuilder();
            double total = 0;
            for (var e : new TreeMap<>(calls).entrySet()) {
                double per = e.getValue().sum() / (double) jobs;
                total += per;
                s.append(String.format("%s %.3f, ", e.getKey(), per));
            }
            return s.append(String.format("total %.3f", total)).toString();
        }
    }
}
