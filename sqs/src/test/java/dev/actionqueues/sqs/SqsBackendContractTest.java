package dev.actionqueues.sqs;

import dev.actionqueues.deferred.memory.InMemoryDebounceStore;
import dev.actionqueues.deferred.spi.Backend;
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
 * The backend contract suites (the SPI, and the engine over it) on an SQS-compatible server
 * (ElasticMQ) started in-process. SQS keeps its own time in whole seconds (delays and visibility
 * timeouts), so "letting time pass" really waits, on a one-second tick. Debouncing runs with an
 * in-memory debounce store beside SQS ({@link SqsRedisDebounceContractTest}: with Redis). The tests
 * that need what SQS standard queues lack (order, unique ids, inspection of waiting jobs) skip by the
 * queue's capabilities; {@link SqsFifoBackendContractTest} runs the order tests on FIFO queues.
 */
class SqsBackendContractTest extends DeferrableOverBackendContract {

    @RegisterExtension
    static final Inapplicable WHOLE_SECONDS = Inapplicable.tests(Map.of(
            "debounceLeadingRunsOfAKeyStartAWindowApartCountedFromTheClaim", Inapplicable.WHOLE_SECOND_DELAYS));

    private static SqsClient client;
    private static SqsBackendFactory factory;

    @BeforeAll
    static void connect() {
        client = ElasticMq.client();
        factory = SqsBackendFactory.builder().client(client).createQueues(true).scanWait(Duration.ZERO)
                .debouncer(InMemoryDebounceStore.create()).build();
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
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
