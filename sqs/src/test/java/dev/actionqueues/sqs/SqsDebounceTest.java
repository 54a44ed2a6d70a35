package dev.actionqueues.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.deferred.BackendException;
import dev.actionqueues.deferred.memory.InMemoryDebounceStore;
import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceDecision;
import dev.actionqueues.deferred.spi.DebounceResult;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.sqs.testing.CallLog;
import dev.actionqueues.sqs.testing.ElasticMq;
import dev.actionqueues.testkit.FakeTime;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/** Debouncing on SQS with a store beside it; without one, the clear refusal. */
class SqsDebounceTest {

    private static final Duration LEASE = Duration.ofMinutes(5);

    private final CallLog calls = new CallLog();
    private final FakeTime time = new FakeTime();
    private SqsClient client;

    @BeforeEach
    void setUp() {
        client = ElasticMq.client(calls);
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    private static String group() {
        return "d" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    @Test
    void withoutAStoreADebouncedPushIsRefusedSayingWhatToDo() {
        JobQueue queue = SqsBackendFactory.builder().client(client).createQueues(true).build()
                .createBackendForGroup(group()).queue();
        assertThat(queue.capabilities().debounce()).isFalse();
        assertThatThrownBy(() -> queue.pushDebounced(NewJob.of("a", "p"), new Debounce("k", LEASE, false)))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("debouncer(..)");
        assertThatThrownBy(() -> SqsBackendFactory.builder().client(client).fifo(true)
                .debouncer(InMemoryDebounceStore.create()).build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("FIFO");
    }

    @Test
    void aDebouncedJobCarriesItsKeyThroughALongDelayAndItsClaimStartsTheKey() throws InterruptedException {
        InMemoryDebounceStore store = InMemoryDebounceStore.create(time);
        JobQueue queue = SqsBackendFactory.builder().client(client).createQueues(true).clock(time).debouncer(store)
                .build().createBackendForGroup(group()).queue();
        assertThat(queue.capabilities().debounce()).isTrue();
        Debounce d = new Debounce("report:42", Duration.ofMinutes(20), true);
        calls.clear();

        DebounceResult first = queue.pushDebounced(NewJob.of("j1", "p"), d);
        assertThat(first.decision()).isEqualTo(DebounceDecision.PUSH_DELAYED);
        assertThat(queue.pushDebounced(NewJob.of("j2", "p"), d).decision()).isEqualTo(DebounceDecision.SKIP);
        SendMessageRequest sent = calls.of(SendMessageRequest.class).get(0);
        assertThat(sent.delaySeconds()).isEqualTo(900);
        String key = SqsMessages.envelope(sent.messageBody()).debounceKey();
        assertThat(key).as("hashed").isEqualTo(SqsFifo.sha256("report:42"));

        // As SQS hands it out after its 15 native minutes: sent again for the rest, with its key.
        time.advance(Duration.ofMinutes(15));
        client.sendMessage(sent.toBuilder().delaySeconds(0).build());
        calls.clear();
        assertThat(queue.claimBatch(10, LEASE, Duration.ZERO)).isEmpty();
        SendMessageRequest again = calls.of(SendMessageRequest.class).get(0);
        assertThat(again.delaySeconds()).isEqualTo(300);
        assertThat(SqsMessages.envelope(again.messageBody()).debounceKey()).isEqualTo(key);
        assertThat(queue.pushDebounced(NewJob.of("j3", "p"), d).decision()).as("still pending")
                .isEqualTo(DebounceDecision.SKIP);

        time.advance(Duration.ofMinutes(5));
        client.sendMessage(again.toBuilder().delaySeconds(0).build());
        Lease lease = queue.claimBatch(10, LEASE, Duration.ZERO).get(0);
        assertThat(lease.jobId()).isEqualTo("j1");
        DebounceResult next = queue.pushDebounced(NewJob.of("j4", "p"), d);
        assertThat(next.decision()).as("the claim started the key").isEqualTo(DebounceDecision.PUSH_DELAYED);
        assertThat(next.jobId()).isEqualTo("j4");
    }

    @Test
    void aFailedSendGivesTheKeyBack() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        InMemoryDebounceStore store = InMemoryDebounceStore.create(time);
        try (SqsClient unreachable = ElasticMq.clientFor(URI.create("http://127.0.0.1:" + closedPort))) {
            SqsJobQueue errors = new SqsJobQueue(new SqsCalls(unreachable, "http://127.0.0.1:" + closedPort
                    + "/q_error", "q_error"), null, time, 1000, 0, null, null);
            SqsJobQueue main = new SqsJobQueue(new SqsCalls(unreachable, "http://127.0.0.1:" + closedPort + "/q", "q"),
                    errors, time, 1000, 0, null, store);
            Debounce d = new Debounce("k", Duration.ofSeconds(30), false);

            assertThatThrownBy(() -> main.pushDebounced(NewJob.of("lost", "p"), d)).isInstanceOf(BackendException.class);

            DebounceResult after = store.decide("q", new Debounce(SqsFifo.sha256("k"), d.window(), false), "next");
            assertThat(after.decision()).as("not pending on a job SQS never stored").isNotEqualTo(DebounceDecision.SKIP);
        }
    }
}
