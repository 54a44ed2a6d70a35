package dev.actionqueues.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.sqs.testing.CallLog;
import dev.actionqueues.sqs.testing.ElasticMq;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/** SQS FIFO queues (ElasticMQ in-process): names, order by message group, deduplication, no delays. */
class SqsFifoTest {

    private static final Duration LEASE = Duration.ofMinutes(5);

    private final CallLog calls = new CallLog();
    private SqsClient client;

    @BeforeEach
    void setUp() {
        client = ElasticMq.client(calls);
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    private SqsBackendFactory.Builder fifo() {
        return SqsBackendFactory.builder().client(client).createQueues(true).scanWait(Duration.ZERO).fifo(true);
    }

    private static String group() {
        return "f" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    @Test
    void fifoQueuesAreNamedAndCreatedAsSqsRequiresAndDeclareWhatTheyCan() {
        String g = group();
        SqsBackendFactory factory = fifo().build();
        assertThat(factory.queueName(g)).isEqualTo("deferrable_" + g + ".fifo");
        assertThat(factory.errorQueueName(g)).isEqualTo("deferrable_" + g + "_error.fifo");
        Backend backend = factory.createBackendForGroup(g);
        String url = client.getQueueUrl(b -> b.queueName("deferrable_" + g + ".fifo")).queueUrl();
        var attributes = client.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL))
                .attributesAsStrings();
        assertThat(attributes).containsEntry("FifoQueue", "true").containsEntry("ContentBasedDeduplication", "false");
        assertThat(attributes.get("RedrivePolicy")).contains("deferrable_" + g + "_error.fifo");
        var caps = backend.queue().capabilities();
        assertThat(caps.fifo()).isTrue();
        assertThat(caps.uniqueIds()).isTrue();
        assertThat(caps.maxDelay()).isZero();
        assertThat(SqsBackendFactory.builder().client(client).createQueues(true).build().createBackendForGroup(group())
                .queue().capabilities().uniqueIds()).as("standard queues").isFalse();

        assertThatThrownBy(() -> SqsBackendFactory.builder().client(client).build().createBackendForGroup(g + "x"))
                .isInstanceOf(IllegalStateException.class);
        String standard = group();
        SqsBackendFactory.builder().client(client).createQueues(true).build().createBackendForGroup(standard);
        client.createQueue(b -> b.queueName("deferrable_" + standard + ".fifo").attributes(java.util.Map.of(
                QueueAttributeName.FIFO_QUEUE, "true")));
        client.createQueue(b -> b.queueName("deferrable_" + standard + "_error.fifo").attributes(java.util.Map.of(
                QueueAttributeName.FIFO_QUEUE, "true")));
        assertThatThrownBy(() -> fifo().createQueues(false).build().createBackendForGroup(standard))
                .as("FIFO queues without the redrive policy").hasMessageContaining("no redrive policy");
    }

    @Test
    void jobsOfOneGroupComeInOrderAndNoneWhileAnEarlierOneIsInFlight() throws InterruptedException {
        JobQueue queue = fifo().build().createBackendForGroup(group()).queue();
        for (int i = 0; i < 4; i++) {
            queue.push(NewJob.of("job-" + i, "p" + i));
        }
        List<Lease> first = queue.claimBatch(2, LEASE, Duration.ZERO);
        assertThat(first).extracting(Lease::jobId).containsExactly("job-0", "job-1");
        assertThat(queue.claimBatch(10, LEASE, Duration.ZERO)).as("the group is in flight").isEmpty();

        assertThat(queue.completeBatch(first)).containsExactly(true, true);
        Lease third = queue.claimBatch(1, LEASE, Duration.ZERO).get(0);
        assertThat(third.jobId()).isEqualTo("job-2");
        assertThat(queue.release(third, "retried", Duration.ZERO)).isTrue();
        assertThat(queue.claimBatch(10, LEASE, Duration.ZERO)).extracting(Lease::payload)
                .as("a retry goes to the end of its group's line").containsExactly("p3", "retried");
    }

    @Test
    void differentOrderingKeysRunInParallel() throws InterruptedException {
        JobQueue queue = fifo().orderingKey(job -> job.payload().substring(0, 1)).build()
                .createBackendForGroup(group()).queue();
        queue.pushBatch(List.of(NewJob.of("a1", "a-1"), NewJob.of("b1", "b-1"), NewJob.of("a2", "a-2")));
        Lease a1 = queue.claimBatch(1, LEASE, Duration.ZERO).get(0);
        assertThat(a1.jobId()).isEqualTo("a1");
        assertThat(queue.claimBatch(10, LEASE, Duration.ZERO)).extracting(Lease::jobId)
                .as("group b is free, group a waits for a1").containsExactly("b1");
        assertThatThrownBy(() -> queue.push(NewJob.of("bad", " key with a space"))).isInstanceOf(
                IllegalArgumentException.class).hasMessageContaining("message group");
    }

    @Test
    void pushIfAbsentIsSqsDeduplicationByJobIdForFiveMinutes() throws InterruptedException {
        Backend backend = fifo().build().createBackendForGroup(group());
        JobQueue queue = backend.queue();
        assertThat(queue.pushIfAbsent(NewJob.of("order-1", "first"))).isTrue();
        assertThat(queue.pushIfAbsent(NewJob.of("order-1", "second"))).isFalse();
        Lease lease = queue.claimBatch(10, LEASE, Duration.ZERO).get(0);
        assertThat(lease.payload()).isEqualTo("first");
        assertThat(queue.complete(lease)).isTrue();
        assertThat(queue.pushIfAbsent(NewJob.of("order-1", "after"))).as("still within SQS's 5 minutes").isFalse();

        // Another process (its own factory) pushing the same id: SQS drops it and does not say so.
        JobQueue other = fifo().build().createBackendForGroup(backend.group()).queue();
        assertThat(other.pushIfAbsent(NewJob.of("order-1", "elsewhere"))).isTrue();
        assertThat(queue.claimBatch(10, LEASE, Duration.ZERO)).isEmpty();
        SendMessageRequest sent = calls.of(SendMessageRequest.class).get(0);
        assertThat(sent.messageDeduplicationId()).isEqualTo("order-1");
        assertThat(sent.delaySeconds()).as("FIFO queues refuse a per-message delay").isNull();
    }

    @Test
    void aWindowEntryIsFreeAgainAfterFiveMinutes() {
        SqsFifo.Window window = new SqsFifo.Window();
        assertThat(window.open("x", 0)).isTrue();
        assertThat(window.open("x", SqsFifo.Window.MILLIS - 1)).isFalse();
        assertThat(window.open("x", SqsFifo.Window.MILLIS)).isTrue();
        window.close("x", SqsFifo.Window.MILLIS);
        assertThat(window.open("x", SqsFifo.Window.MILLIS + 1)).as("a failed push gives its id back").isTrue();
    }

    @Test
    void delaysAreRefusedAndRetriesAndErrorsKeepWorking() throws InterruptedException {
        Backend backend = fifo().build().createBackendForGroup(group());
        JobQueue queue = backend.queue();
        assertThatThrownBy(() -> queue.push(new NewJob("late", "p", Duration.ofSeconds(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no per-message delay");
        queue.push(NewJob.of("job", "p"));
        Lease lease = queue.claimBatch(1, LEASE, Duration.ZERO).get(0);
        assertThat(queue.release(lease, "p2", Duration.ZERO)).isTrue();
        Lease again = queue.claimBatch(1, LEASE, Duration.ZERO).get(0);
        assertThat(again.payload()).as("the retry is not taken for a duplicate of the first send").isEqualTo("p2");
        assertThat(again.fencingToken()).isGreaterThan(lease.fencingToken());
        assertThat(queue.deadLetter(again, "error entry")).isTrue();
        assertThat(backend.errorQueue().find("job").orElseThrow().payload()).isEqualTo("error entry");
        assertThat(queue.replayError("job", "replayed")).isTrue();
        assertThat(queue.claimBatch(1, LEASE, Duration.ZERO)).extracting(Lease::payload).containsExactly("replayed");
        List<String> ids = new ArrayList<>();
        calls.of(SendMessageRequest.class).forEach(r -> ids.add(r.messageDeduplicationId()));
        assertThat(ids).doesNotHaveDuplicates();
    }
}
