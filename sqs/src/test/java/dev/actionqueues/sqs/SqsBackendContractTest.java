package dev.actionqueues.sqs;

import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.testkit.DeferrableOverBackendContract;
import dev.actionqueues.sqs.testing.ElasticMq;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The backend contract suites (the SPI, and the engine over it) on an SQS-compatible server
 * (ElasticMQ) started in-process. SQS keeps its own time in whole seconds (delays and visibility
 * timeouts), so "letting time pass" really waits, on a one-second tick. The tests that need what SQS
 * lacks (order, debouncing, unique ids, inspection of waiting jobs) skip by the queue's capabilities.
 */
class SqsBackendContractTest extends DeferrableOverBackendContract {

    private static SqsClient client;
    private static SqsBackendFactory factory;

    @BeforeAll
    static void connect() {
        client = ElasticMq.client();
        factory = SqsBackendFactory.builder().client(client).createQueues(true).scanWait(Duration.ZERO).build();
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
