package dev.actionqueues.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.ErrorEntry;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.sqs.testing.ElasticMq;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** Workers on SQS under stress: long jobs on short leases, a flood of malformed bodies, an unreachable SQS. */
class SqsFaultTest {

    private SqsClient client;
    private Backend backend;
    private final CountDownLatch hold = new CountDownLatch(1);

    @BeforeEach
    void setUp() {
        client = ElasticMq.client();
        backend = SqsBackendFactory.builder().client(client).createQueues(true).scanWait(Duration.ZERO).build()
                .createBackendForGroup("fault" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    }

    @AfterEach
    void tearDown() {
        hold.countDown();
        client.close();
    }

    @Test
    void jobsRunningTenSecondsOnThreeSecondLeasesAreNeverDeliveredTwiceWhileTheHeartbeatRenewsThem() {
        Deferrable deferrable = Deferrable.builder(backend).build();
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        CountDownLatch finished = new CountDownLatch(8);
        var slow = deferrable.register("slow", Integer.class, n -> {
            runs.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
            hold.await(10, TimeUnit.SECONDS); // ten seconds of work
            finished.countDown();
        });
        for (int i = 0; i < 8; i++) {
            slow.later(i);
        }
        // Twice the threads of the jobs: idle ones poll all along and would take any job SQS gave out again.
        try (Worker worker = Worker.builder(deferrable).concurrency(16).leaseDuration(Duration.ofSeconds(3)).build()
                .start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> finished.getCount() == 0
                    && backend.queue().stats().total() == 0);
        }
        assertThat(runs).hasSize(8);
        assertThat(runs.values()).as("redeliveries").allSatisfy(n -> assertThat(n).hasValue(1));
        assertThat(backend.errorQueue().stats().total()).isZero();
    }

    @Test
    void aThousandMalformedBodiesEachReachTheErrorQueueWithAReasonAndTheWorkerSurvives() {
        String url = client.getQueueUrl(b -> b.queueName("deferrable_" + backend.group())).queueUrl();
        for (int i = 0; i < 1000; i += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int j = i; j < i + 10; j++) {
                String body = switch (j % 4) {
                    case 0 -> "not json " + j;
                    case 1 -> "{\"v\":1,\"task\":\"nobody\",\"args\":" + j + ",\"attempts\":0}";
                    case 2 -> "[" + j + "]";
                    default -> "{\"v\":1,\"task\":\"count\",\"args\":\"not a number " + j + "\",\"attempts\":0}";
                };
                entries.add(SendMessageBatchRequestEntry.builder().id("e" + j).messageBody(body).build());
            }
            client.sendMessageBatch(b -> b.queueUrl(url).entries(entries));
        }
        Deferrable deferrable = Deferrable.builder(backend).build();
        AtomicInteger good = new AtomicInteger();
        var count = deferrable.register("count", Integer.class, n -> good.incrementAndGet());
        try (Worker worker = Worker.builder(deferrable).concurrency(8).prefetch(2).build().start()) {
            await().atMost(Duration.ofSeconds(120)).until(() -> backend.errorQueue().stats().total() == 1000
                    && backend.queue().stats().total() == 0);
            assertThat(worker.isRunning()).isTrue();
            count.later(7);
            await().atMost(Duration.ofSeconds(20)).until(() -> good.get() == 1);
        }
        List<ErrorEntry> entries = deferrable.errors(0, 2000);
        assertThat(entries).hasSize(1000).allSatisfy(e -> assertThat(e.error().reason()).isNotBlank());
        assertThat(entries).extracting(ErrorEntry::jobId).doesNotHaveDuplicates();
    }

    @Test
    void credentialsNeverAppearInTheLogsOfAWorkerWhoseSqsIsUnreachable() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (SqsClient unreachable = ElasticMq.clientFor(URI.create("http://127.0.0.1:" + closedPort))) {
            SqsJobQueue errors = new SqsJobQueue(new SqsCalls(unreachable, "http://127.0.0.1:" + closedPort + "/q_error",
                    "q_error"), null, InstantSource.system(), 1000, 0, null, null);
            SqsJobQueue main = new SqsJobQueue(new SqsCalls(unreachable, "http://127.0.0.1:" + closedPort + "/q", "q"),
                    errors, InstantSource.system(), 1000, 0, null, null);
            Deferrable deferrable = Deferrable.builder(new Backend("q", main, errors)).build();
            deferrable.register("t", String.class, s -> { });
            try (Worker worker = Worker.builder(deferrable).errorBackoff(Duration.ofMillis(50)).build().start()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> logs.list.stream()
                        .anyMatch(e -> e.getThrowableProxy() != null || e.getFormattedMessage().contains("failed")));
            }
        } finally {
            root.detachAppender(logs);
        }
        assertThat(logs.list).isNotEmpty().allSatisfy(e -> {
            StringBuilder text = new StringBuilder(e.getFormattedMessage());
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                text.append(' ').append(t.getClassName()).append(": ").append(t.getMessage());
            }
            assertThat(text.toString()).doesNotContain(ElasticMq.ACCESS_KEY).doesNotContain(ElasticMq.SECRET_KEY);
        });
    }
}
