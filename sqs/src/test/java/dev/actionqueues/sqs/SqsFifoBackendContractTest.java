package dev.actionqueues.sqs;

import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.testkit.DeferrableOverBackendContract;
import dev.actionqueues.sqs.testing.ElasticMq;
import dev.actionqueues.sqs.testing.Inapplicable;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The backend contract suites on SQS FIFO queues (ElasticMQ in-process), every job in one message
 * group (as with the default ordering key), so the queue's {@code fifo()} capability holds and the
 * order tests run. Tests that need delays skip by {@code maxDelay()} (zero: SQS FIFO queues have no
 * per-message delay); the few whose premise SQS FIFO does not share are skipped below with the
 * reason. {@link SqsBackendContractTest} runs the same suites on standard queues, where those run.
 */
class SqsFifoBackendContractTest extends DeferrableOverBackendContract {

    private static final String ONE_IN_FLIGHT = "SQS FIFO hands out no job of a message group while an earlier "
            + "job of that group is in flight, and this test holds several leases of one group at once (it runs on "
            + "standard queues)";

    private static final String DEDUP = "SQS deduplicates a job id for 5 minutes from its first push, not while "
            + "the job lives: the id is not free again when the job ends, as this test expects (SqsFifoTest covers "
            + "the 5-minute window)";

    @RegisterExtension
    static final Inapplicable NOT_ON_SQS_FIFO = Inapplicable.tests(Map.of(
            "completeRemovesExactlyTheJobItIsGiven", ONE_IN_FLIGHT,
            "leasesOfDifferentLengthsRunOutEachAtItsOwnTime", ONE_IN_FLIGHT,
            "completeAndPopWithALeaseThatRanOutLeavesTheJobToItsNewHolder", ONE_IN_FLIGHT,
            "aJobWhoseLeaseRanOutIsDeliveredAgainAheadOfTheJobsThatWereWaiting", "SQS FIFO delivers a message "
                    + "group in the order it was sent, a job whose lease ran out included, and holds the group while "
                    + "one is in flight: the order of expiry this test asks for is not SQS's",
            "pushIfAbsentStoresAJobOnceWhileItIsWaitingRunningOrWaitingForARetry", DEDUP,
            "anIdIsFreedWhenItsJobIsDeadLetteredRemovedOrFlushed", DEDUP));

    private static SqsClient client;
    private static SqsBackendFactory factory;

    @BeforeAll
    static void connect() {
        client = ElasticMq.client();
        factory = SqsBackendFactory.builder().client(client).createQueues(true).scanWait(Duration.ZERO).fifo(true)
                .orderingKey(SqsFifoBackendContractTest::orderingKey).build();
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
    }

    /**
     * One message group for every job, except the concurrency test's 10,000 ({@code job-<n>}), spread
     * over 16 groups as an application would spread them (by customer, by order): with one group SQS
     * runs them one after another, far beyond that test's bound, and "none twice while leased" is
     * what it checks.
     */
    private static String orderingKey(NewJob job) {
        return job.id().startsWith("job-") ? "lane-" + Math.floorMod(job.id().hashCode(), 16) : "all";
    }

    @Override
    protected Backend createBackend(String group) {
        return factory.createBackendForGroup(group);
    }

    @Override
    protected void advance(Duration duration) throws InterruptedException {
        Thread.sleep(duration); // the server's clock, not ours: there is nothing to inject
    }
}
