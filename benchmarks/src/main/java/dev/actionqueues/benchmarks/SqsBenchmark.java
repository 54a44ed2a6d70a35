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
 * larger than SQS's 10 messages a call is filled by several receives). A mode after the job count runs one part only:
 * <ul>
 *   <li>{@code rounds}: at c = 1, then 16, the raw loop, the engine with the prefetch and without, interleaved round
 *       after round ({@code -Drounds=N}, default 7), each round's ratio and the medians: the measure to read on a
 *       machine whose speed drifts;</li>
 *   <li>{@code variants}: the raw loop at c = 16 with message attributes sent, asked for, or both, and with the
 *       engine's bodies: what each costs;</li>
 *   <li>{@code compare}: the raw loop with the engine's bodies and the engine at c = 16, each recorded by JFR into
 *       {@code raw.jfr} and {@code engine.jfr}, with each burn-down's wall-clock window printed to pick its samples;</li>
 *   <li>{@code engine}: only the engine at c = 16 (four warm-up burn-downs, then five measured), for profiling.</li>
 * </ul>
 * {@code -Dtrace=true} prints each engine burn-down's progress every 100 ms.
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

            if (args.length > 1 && args[1].equals("rounds")) {
                // The burn-downs interleaved, round after round, so that a machine whose speed drifts
                // (shared cores) moves raw and engine alike: each round's ratio, then the medians.
                int rounds = Integer.getInteger("rounds", 7);
                for (int c : new int[] {1, 16}) {
                    engineBurnDown(factory, jobs, c, prefetch); // warm-up
                    rawBurnDown(client, jobs, c);
                    List<Double> raws = new ArrayList<>();
                    List<Double> engines = new ArrayList<>();
                    List<Double> plain = new ArrayList<>();
                    List<Double> ratios = new ArrayList<>();
                    for (int i = 0; i < rounds; i++) {
                        double raw = rawBurnDown(client, jobs, c);
                        double rawCpu = lastCpu;
                        double engine = engineBurnDown(factory, jobs, c, prefetch);
                        double engineCpu = lastCpu;
                        double noPrefetch = engineBurnDown(factory, jobs, c, 0);
                        raws.add(raw);
                        engines.add(engine);
                        plain.add(noPrefetch);
                        ratios.add(100 * engine / raw);
                        System.out.printf("c=%d round %d: raw %.0f msgs/s (CPU %.0f%%), engine prefetch=%d %.0f jobs/s"
                                + " (CPU %.0f%%) = %.0f%%, no prefetch %.0f jobs/s = %.0f%%%n", c, i + 1, raw, rawCpu,
                                prefetch, engine, engineCpu, 100 * engine / raw, noPrefetch, 100 * noPrefetch / raw);
                    }
                    System.out.printf("c=%d medians over %d rounds: raw %.0f msgs/s, engine prefetch=%d %.0f jobs/s (%.0f%%),"
                            + " no prefetch %.0f jobs/s (%.0f%%); per-round ratios with prefetch %s%n", c, rounds,
                            median(raws), prefetch, median(engines), 100 * median(engines) / median(raws), median(plain),
                            100 * median(plain) / median(raws), ratios.stream().sorted()
                                    .map(x -> String.format("%.0f", x)).toList());
                }
                return;
            }
            if (args.length > 1 && args[1].equals("variants")) {
                // What message attributes cost (the engine carried two until it put them in the body): the
                // raw loop at c = 16 with each part alone, three interleaved rounds after one to warm up.
                RawShape[] shapes = {RawShape.BARE, new RawShape("ask system attributes", false, true, false, false),
                    new RawShape("send message attributes", true, false, false, false),
                    new RawShape("send and ask message attributes", true, false, true, false),
                    new RawShape("send and ask message and system attributes", true, true, true, false),
                    RawShape.AS_THE_ENGINE};
                for (int round = 0; round < 4; round++) {
                    for (RawShape shape : shapes) {
                        double rate = rawBurnDown(client, jobs, 16, shape);
                        if (round > 0) { // the first round warms up
                            System.out.printf("raw c=16 %s: %.0f msgs/s (JVM CPU %.0f%%)%n", shape.name(), rate, lastCpu);
                        }
                    }
                }
                return;
            }
            if (args.length > 1 && args[1].equals("compare")) {
                // Profiling aid: the raw loop with the engine's message bodies and the engine at c = 16,
                // each recorded by JFR into its own file, to compare where the CPU goes per message.
                for (int i = 0; i < 3; i++) {
                    rawBurnDown(client, jobs, 16, RawShape.AS_THE_ENGINE);
                    engineBurnDown(factory, jobs, 16, prefetch);
                }
                for (String what : new String[] {"raw", "engine"}) {
                    try (jdk.jfr.Recording rec = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"))) {
                        rec.start();
                        double sum = 0;
                        for (int i = 0; i < 3; i++) {
                            sum += what.equals("raw") ? rawBurnDown(client, jobs, 16, RawShape.AS_THE_ENGINE)
                                    : engineBurnDown(factory, jobs, 16, prefetch);
                            System.out.printf("%s c=16: (JVM CPU %.0f%%) window %d %d%n", what, lastCpu,
                                    windowStart, windowEnd);
                        }
                        rec.stop();
                        rec.dump(java.nio.file.Path.of(what + ".jfr"));
                        System.out.printf("%s c=16: %.0f /s mean over 3, calls per job %s%n", what, sum / 3,
                                CALLS.perJob(jobs));
                    }
                }
                return;
            }
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
            r.put("laterAll", laterAll(factory, jobs));
            report("enqueue in batches (laterAll of 100 / SendMessageBatch of 10)", r.get("laterAll"),
                    r.get("raw SendMessageBatch"), jobs);
            for (int c : new int[] {1, 16}) {
                double raw = rawBurnDown(client, jobs, c);
                double rawCpu = lastCpu;
                double rawAsEngine = rawBurnDown(client, jobs, c, RawShape.AS_THE_ENGINE);
                System.out.printf("  raw burn-down c=%d (ReceiveMessage(10) + DeleteMessageBatch): %.0f msgs/s (JVM CPU"
                        + " %.0f%%); with the engine's message bodies and system attributes: %.0f msgs/s (%.0f%%)%n", c,
                        raw, rawCpu, rawAsEngine, lastCpu);
                for (int p : new int[] {0, prefetch}) {
                    double engine = engineBurnDown(factory, jobs, c, p);
                    report("engine burn-down c=" + c + " prefetch=" + p, engine, raw, jobs);
                    System.out.printf("    = %.0f%% of the raw loop with the engine's message bodies (JVM CPU %.0f%%)%n",
                            100 * engine / rawAsEngine, lastCpu);
                }
            }
        } finally {
            server.stopAndWait();
        }
    }

    private static double median(List<Double> xs) {
        List<Double> sorted = xs.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
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

    private static void sendBatches(SqsClient client, String url, int n) {
        sendBatches(client, url, n, RawShape.BARE);
    }

    private static void sendBatches(SqsClient client, String url, int n, RawShape shape) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(10);
        for (int i = 0; i < n; i++) {
            var entry = SendMessageBatchRequestEntry.builder().id(Integer.toString(entries.size()))
                    .messageBody(shape.engineBody() ? engineBody(i) : BODY);
            if (shape.sendAttributes()) {
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
        return rawBurnDown(client, n, concurrency, RawShape.BARE);
    }

    /**
     * What the raw loop's messages carry and its receives ask for.
     *
     * @param sendAttributes each message carries two message attributes (an id and a number)
     * @param askSystem each receive asks for the two system attributes the engine reads (receive count, sent time)
     * @param askMessage each receive asks for the two message attributes
     * @param engineBody each message's body is as long as the engine's: its header and a job's JSON payload
     */
    record RawShape(String name, boolean sendAttributes, boolean askSystem, boolean askMessage, boolean engineBody) {
        static final RawShape BARE = new RawShape("bare", false, false, false, false);
        /** The messages and receives as the engine's, so the server and the SDK do the same work per message. */
        static final RawShape AS_THE_ENGINE = new RawShape("with the engine's bodies and system attributes", false, true,
                false, true);
    }

    /** A body as the engine sends for a no-op job: the header (job id, generation), then the job's JSON. */
    private static String engineBody(int i) {
        String id = java.util.UUID.randomUUID().toString();
        long now = System.currentTimeMillis();
        return "aq1:0:0::" + id.length() + ":" + id + ":0:\n{\"v\":1,\"task\":\"noop\",\"args\":{\"n\":" + i
                + "},\"group\":\"engine1\",\"attempts\":0,\"first_push_time\":" + now + ",\"last_push_time\":" + now
                + "}";
    }

    /**
     * {@code concurrency} threads loop ReceiveMessage(10, no wait) + DeleteMessageBatch until all are gone,
     * with messages and receives of the given shape.
     */
    private static double rawBurnDown(SqsClient client, int n, int concurrency, RawShape shape)
            throws InterruptedException {
        String url = rawQueue(client);
        sendBatches(client, url, n, shape);
        LongAdder done = new LongAdder();
        CountDownLatch finished = new CountDownLatch(concurrency);
        long cpu0 = jvmCpuNanos();
        long t0 = System.nanoTime();
        windowStart = System.currentTimeMillis();
        for (int t = 0; t < concurrency; t++) {
            Thread.ofVirtual().start(() -> {
                try {
                    while (done.sum() < n) {
                        List<Message> got = client.receiveMessage(b -> {
                            b.queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(60).waitTimeSeconds(0);
                            if (shape.askSystem()) {
                                b.messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                                        MessageSystemAttributeName.SENT_TIMESTAMP);
                            }
                            if (shape.askMessage()) {
                                b.messageAttributeNames("aq-id", "aq-gen");
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
        windowEnd = System.currentTimeMillis();
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
        windowStart = System.currentTimeMillis();
        double rate;
        try (Worker worker = Worker.builder(deferrable).concurrency(concurrency).prefetch(prefetch).build().start()) {
            long nextTrace = System.nanoTime();
            StringBuilder trace = new StringBuilder();
            while (worker.processed() < n) {
                Thread.sleep(1);
                if (TRACE && System.nanoTime() - nextTrace >= 0) {
                    trace.append(worker.processed()).append(' ');
                    nextTrace += 100_000_000L;
                }
            }
            if (TRACE) {
                System.out.println("    processed every 100 ms: " + trace);
            }
            rate = n / seconds(t0);
            windowEnd = System.currentTimeMillis();
            lastCpu = cpuPercent(cpu0, t0);
        }
        return rate;
    }

    /** The JVM's CPU (engine or raw loop, SDK client and ElasticMQ together) over the last burn-down, in % of one core. */
    private static volatile double lastCpu;
    /** With {@code -Dtrace=true}, each engine burn-down prints how many jobs were done every 100 ms. */
    private static final boolean TRACE = Boolean.getBoolean("trace");
    /** The wall-clock window of the last burn-down, for picking its samples out of a recording. */
    private static volatile long windowStart;
    private static volatile long windowEnd;




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
