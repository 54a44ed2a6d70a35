package dev.actionqueues.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.actionqueues.deferred.BackendException;
import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.LaterResult;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.sqs.testing.CallLog;
import dev.actionqueues.sqs.testing.ElasticMq;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/** The factory over an {@link SqsAsyncClient}: {@code laterAsync} through it, or every call through it. */
class SqsAsyncTest {

    private static final Duration LEASE = Duration.ofMinutes(5);

    private final CallLog syncCalls = new CallLog();
    private final CallLog asyncCalls = new CallLog();
    private SqsClient client;
    private SqsAsyncClient async;

    @BeforeEach
    void setUp() {
        client = ElasticMq.client(syncCalls);
        async = ElasticMq.asyncClient(asyncCalls);
    }

    @AfterEach
    void tearDown() {
        client.close();
        async.close();
    }

    private static String group() {
        return "a" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    record Note(int n) {
    }

    @Test
    void laterAsyncSendsItsBatchesThroughTheAsyncClient() throws Exception {
        Backend backend = SqsBackendFactory.builder().client(client).asyncClient(async).createQueues(true).build()
                .createBackendForGroup(group());
        Deferrable deferrable = Deferrable.builder(backend).build();
        var task = deferrable.register("async.note", Note.class, n -> { });
        syncCalls.clear();
        asyncCalls.clear();

        List<CompletableFuture<LaterResult>> futures = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            futures.add(task.laterAsync(new Note(i)));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        Set<String> ids = new HashSet<>();
        for (CompletableFuture<LaterResult> f : futures) {
            ids.add(f.join().jobId());
        }
        assertThat(ids).hasSize(300);
        assertThat(asyncCalls.count(SendMessageBatchRequest.class)).isBetween(30L, 300L);
        assertThat(syncCalls.count(SendMessageBatchRequest.class) + syncCalls.count(SendMessageRequest.class))
                .as("nothing sent on the calling or a drainer thread's synchronous client").isZero();
        Set<String> claimed = new HashSet<>();
        for (List<Lease> got; !(got = backend.queue().claimBatch(10, LEASE, Duration.ZERO)).isEmpty();) {
            got.forEach(l -> claimed.add(l.jobId()));
        }
        assertThat(claimed).isEqualTo(ids);
    }

    @Test
    void aFactoryOfTheAsyncClientAloneRunsEveryCallThroughIt() throws Exception {
        JobQueue queue = SqsBackendFactory.builder().asyncClient(async).createQueues(true).build()
                .createBackendForGroup(group()).queue();
        queue.pushBatch(List.of(NewJob.of("a", "1"), NewJob.of("b", "2")));
        assertThat(queue.pushBatchAsync(List.of(NewJob.of("c", "3"))).get(10, TimeUnit.SECONDS)).containsExactly(true);
        List<Lease> leases = queue.claimBatch(10, LEASE, Duration.ZERO);
        assertThat(leases).extracting(Lease::jobId).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(queue.completeBatch(leases)).containsExactly(true, true, true);
        assertThat(queue.stats().total()).isZero();
        assertThat(syncCalls.count(SendMessageBatchRequest.class)).isZero();
        assertThat(queue.pushBatchAsync(List.of(NewJob.of("big", "x".repeat(2 * 1024 * 1024)))))
                .as("refused before any call").failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(IllegalArgumentException.class);

        // A long poll on the async client still gives way to an interrupt.
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread claimer = Thread.ofVirtual().start(() -> {
                try {
                    queue.claim(LEASE, Duration.ofSeconds(20));
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            Thread.sleep(300);
            claimer.interrupt();
            claimer.join();
            assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        });
    }

    @Test
    void anAsyncPushToAnUnreachableServerFailsItsFutureWithoutTheCredentials() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort);
        try (SqsAsyncClient unreachable = ElasticMq.asyncClientFor(nowhere)) {
            SqsJobQueue errors = new SqsJobQueue(new SqsCalls(new BlockingSqsClient(unreachable), nowhere + "/q_error",
                    "q_error"), null, java.time.InstantSource.system(), 1000, 0, null, null);
            SqsJobQueue main = new SqsJobQueue(new SqsCalls(new BlockingSqsClient(unreachable), unreachable,
                    nowhere + "/q", "q"), errors, java.time.InstantSource.system(), 1000, 0, null, null);
            CompletableFuture<List<Boolean>> f = main.pushBatchAsync(List.of(NewJob.of("x", "p")));
            assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(BackendException.class).hasMessageContaining("SendMessageBatch")
                    .hasMessageNotContaining(ElasticMq.ACCESS_KEY).hasMessageNotContaining(ElasticMq.SECRET_KEY);
            assertThatThrownBy(() -> main.push(NewJob.of("y", "p"))).isInstanceOf(BackendException.class)
                    .hasMessageNotContaining(ElasticMq.ACCESS_KEY);
        }
    }
}
