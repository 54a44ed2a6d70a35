package dev.actionqueues.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.spi.QueueStats;
import dev.actionqueues.sqs.testing.CallLog;
import dev.actionqueues.sqs.testing.ElasticMq;
import dev.actionqueues.testkit.FakeTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/** What is particular to SQS: batching, payload limits and encoding, long delays, the 12-hour cap. */
class SqsJobQueueTest {

    private static final Duration LEASE = Duration.ofMinutes(5);

    private final CallLog calls = new CallLog();
    private final FakeTime time = new FakeTime();
    private SqsClient client;
    private JobQueue queue;
    private String url;

    @BeforeEach
    void setUp() {
        client = ElasticMq.client(calls);
        Backend backend = factory(SqsBackendFactory.DEFAULT_MAX_MESSAGE_BYTES).createBackendForGroup(group());
        queue = backend.queue();
        url = client.getQueueUrl(b -> b.queueName("deferrable_" + backend.group())).queueUrl();
        calls.clear();
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    private SqsBackendFactory factory(int maxMessageBytes) {
        return SqsBackendFactory.builder().client(client).createQueues(true).clock(time)
                .maxMessageBytes(maxMessageBytes).build();
    }

    private static String group() {
        return "q" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    @Test
    void payloadsThatSqsCannotCarryAsTheyAreComeBackExactly() throws InterruptedException {
        List<String> payloads = List.of("", "nul\u0000byte", "cr\r\nlf", "unpaired \ud800 surrogate", "\uffff\u0001");
        for (String p : payloads) {
            queue.push(NewJob.of(UUID.randomUUID().toString(), p));
        }
        List<String> claimed = new ArrayList<>();
        for (Lease l : queue.claimBatch(10, LEASE, Duration.ZERO)) {
            claimed.add(l.payload());
        }
        assertThat(claimed).containsExactlyInAnyOrderElementsOf(payloads);
    }

    @Test
    void aPayloadOverTheLimitIsRefusedBeforeAnyCall() {
        JobQueue small = factory(262_144).createBackendForGroup(group()).queue();
        calls.clear();
        int max = small.capabilities().maxPayloadBytes();
        assertThat(max).isEqualTo(262_144 - 1024);
        assertThat(queue.capabilities().maxPayloadBytes()).isEqualTo(1024 * 1024 - 1024);

        assertThatThrownBy(() -> small.push(NewJob.of("big", "x".repeat(max + 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("over the limit");
        assertThatThrownBy(() -> small.pushBatch(List.of(NewJob.of("ok", "x"), NewJob.of("big", "\u00e9".repeat(max)))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(calls.count(SendMessageRequest.class) + calls.count(SendMessageBatchRequest.class)).isZero();

        Deferrable deferrable = Deferrable.builder(new Backend("g", small, queue)).build();
        var task = deferrable.register("big", String.class, s -> { });
        assertThatThrownBy(() -> task.later("y".repeat(max))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("over the limit");
        assertThat(calls.count(SendMessageRequest.class)).isZero();
    }

    @Test
    void tenJobsArePushedClaimedAndCompletedInOneCallEach() throws InterruptedException {
        List<NewJob> jobs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            jobs.add(NewJob.of("job-" + i, "p" + i));
        }
        assertThat(queue.pushBatch(jobs)).containsOnly(true).hasSize(10);
        List<Lease> leases = queue.claimBatch(10, LEASE, Duration.ZERO);
        assertThat(leases).hasSize(10);
        assertThat(queue.completeBatch(leases)).containsOnly(true).hasSize(10);

        assertThat(calls.count(SendMessageBatchRequest.class)).isEqualTo(1);
        assertThat(calls.count(ReceiveMessageRequest.class)).isEqualTo(1);
        assertThat(calls.count(DeleteMessageBatchRequest.class)).isEqualTo(1);
        assertThat(calls.count(ChangeMessageVisibilityRequest.class)
                + calls.count(ChangeMessageVisibilityBatchRequest.class)).as("held leases need no check").isZero();
        assertThat(calls.of(ReceiveMessageRequest.class).get(0).messageSystemAttributeNames()).isNotEmpty();
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, 0));
    }

    @Test
    void theHeartbeatOfTwelveJobsIsTwoChangeMessageVisibilityBatchCalls() throws InterruptedException {
        List<NewJob> jobs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            jobs.add(NewJob.of("job-" + i, "p"));
        }
        queue.pushBatch(jobs.subList(0, 10));
        queue.pushBatch(jobs.subList(10, 12));
        List<Lease> leases = new ArrayList<>(queue.claimBatch(10, LEASE, Duration.ZERO));
        leases.addAll(queue.claimBatch(10, LEASE, Duration.ZERO));
        assertThat(leases).hasSize(12);
        Lease stale = new Lease("gone", "p", 1, time.instant().plus(LEASE), 1, "not-a-receipt-handle");
        leases.add(5, stale);
        calls.clear();
        time.advance(Duration.ofMinutes(1));

        List<Optional<Lease>> renewed = queue.renewBatch(leases, Duration.ofMinutes(10));

        assertThat(calls.count(ChangeMessageVisibilityBatchRequest.class)).isEqualTo(2);
        assertThat(calls.count(ChangeMessageVisibilityRequest.class)).isZero();
        assertThat(calls.of(ChangeMessageVisibilityBatchRequest.class).get(0).entries()).hasSize(10)
                .allSatisfy(e -> assertThat(e.visibilityTimeout()).isEqualTo(600));
        assertThat(renewed.get(5)).as("the stale lease").isEmpty();
        renewed.remove(5);
        leases.remove(5);
        assertThat(renewed).allSatisfy(r -> assertThat(r).isPresent());
        assertThat(renewed.get(0).orElseThrow().expiresAt()).isEqualTo(time.instant().plus(Duration.ofMinutes(10)));
        assertThat(queue.completeBatch(leases.subList(0, 10))).containsOnly(true);
    }

    @Test
    void aDelayLongerThanFifteenMinutesIsSentAgainUntilItIsDue() throws InterruptedException {
        queue.push(new NewJob("far", "p", Duration.ofMinutes(20)));
        SendMessageRequest first = calls.of(SendMessageRequest.class).get(0);
        assertThat(first.delaySeconds()).isEqualTo(900);
        long due = time.millis() + Duration.ofMinutes(20).toMillis();
        assertThat(SqsMessages.envelope(first.messageBody()).dueMillis()).isEqualTo(due);

        // As SQS hands it out after its 15 native minutes: 5 minutes early.
        time.advance(Duration.ofMinutes(15));
        send("far2", due);
        calls.clear();
        assertThat(queue.claimBatch(10, LEASE, Duration.ZERO)).isEmpty();
        SendMessageRequest again = calls.of(SendMessageRequest.class).get(0);
        assertThat(again.delaySeconds()).isEqualTo(300);
        assertThat(SqsMessages.envelope(again.messageBody()).jobId()).isEqualTo("far2");

        time.advance(Duration.ofMinutes(5));
        send("due", due);
        Lease lease = queue.claimBatch(10, LEASE, Duration.ZERO).get(0);
        assertThat(lease.jobId()).isEqualTo("due");
        assertThat(lease.payload()).isEqualTo("p");
    }

    @Test
    void aLeaseIsNotExtendedPastTwelveHoursFromTheReceiveAndIsThenReportedLost() throws InterruptedException {
        queue.push(NewJob.of("long", "p"));
        Lease lease = queue.claimBatch(1, Duration.ofSeconds(30), Duration.ZERO).get(0);

        time.advance(Duration.ofHours(12).minusSeconds(10));
        Lease renewed = queue.renew(lease, Duration.ofMinutes(1)).orElseThrow();
        assertThat(renewed.expiresAt()).isEqualTo(time.instant().plusSeconds(10));
        assertThat(calls.of(ChangeMessageVisibilityRequest.class).get(0).visibilityTimeout()).isEqualTo(10);

        time.advance(Duration.ofSeconds(10));
        assertThat(queue.renew(renewed, Duration.ofMinutes(1))).isEmpty();
    }

    @Test
    void aLeaseNotSurelyHeldIsCheckedWithAVisibilityChangeBeforeTheDeleteSqsMightAcceptWhenStale()
            throws InterruptedException {
        queue.pushBatch(List.of(NewJob.of("short", "p"), NewJob.of("long", "p")));
        // Real time here: SQS's clock decides, and a one-second lease is never surely held.
        JobQueue real = SqsBackendFactory.builder().client(client).build().createBackendForGroup(groupOf(url)).queue();
        Lease shortLease = real.claimBatch(1, Duration.ofSeconds(1), Duration.ZERO).get(0);
        Lease longLease = real.claimBatch(1, LEASE, Duration.ZERO).get(0);
        calls.clear();

        assertThat(real.complete(longLease)).isTrue();
        assertThat(calls.count(ChangeMessageVisibilityRequest.class)).as("a lease held with time to spare").isZero();
        assertThat(real.complete(shortLease)).isTrue();
        assertThat(calls.count(ChangeMessageVisibilityRequest.class)).isEqualTo(1);
        assertThat(calls.of(ChangeMessageVisibilityRequest.class).get(0).receiptHandle())
                .isEqualTo(shortLease.receipt());
        assertThat(real.complete(shortLease)).as("checked again, and refused: not counted as completed").isFalse();
        assertThat(calls.count(DeleteMessageBatchRequest.class)).as("completions are deletes, batched with"
                + " concurrent ones").isEqualTo(2);
    }

    @Test
    void anErrorEntryOverTheSizeLimitKeepsTheJobWithoutItsError() throws InterruptedException {
        Backend small = factory(2048).createBackendForGroup(group());
        String payload = "j".repeat(900);
        small.queue().push(NewJob.of("big-error", payload));
        Lease lease = small.queue().claimBatch(1, LEASE, Duration.ZERO).get(0);

        assertThat(small.queue().deadLetter(lease, payload + "e".repeat(1500))).isTrue();

        assertThat(small.errorQueue().find("big-error").orElseThrow().payload()).isEqualTo(payload);
        assertThat(small.queue().stats().total()).isZero();
    }

    @Test
    void anEntryThatSqsRedroveWithoutAnErrorIsReportedWhenTheErrorQueueIsRead() {
        Backend backend = factory(SqsBackendFactory.DEFAULT_MAX_MESSAGE_BYTES).createBackendForGroup(group());
        String errorUrl = client.getQueueUrl(b -> b.queueName("deferrable_" + backend.group() + "_error")).queueUrl();
        client.sendMessage(b -> b.queueUrl(errorUrl).messageBody(new SqsMessages.Envelope("redriven", "{}", 0, 0, false,
                null).body()));
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(ErrorScan.class);
        var appender = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        appender.start();
        log.addAppender(appender);
        try {
            assertThat(backend.errorQueue().list(0, 10)).extracting(r -> r.id()).containsExactly("redriven");
            backend.errorQueue().list(0, 10);
        } finally {
            log.detachAppender(appender);
        }
        assertThat(appender.list).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
                .contains("redriven").contains("redrive policy, without an error"));
    }

    private static String groupOf(String queueUrl) {
        return queueUrl.substring(queueUrl.lastIndexOf("/deferrable_") + "/deferrable_".length());
    }

    private void send(String id, long dueMillis) {
        client.sendMessage(b -> b.queueUrl(url).messageBody(new SqsMessages.Envelope(id, "p", 0, dueMillis, false, null)
                .body()));
    }
}
