package dev.actionqueues.sqs;

import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.testkit.DebounceContract;
import dev.actionqueues.redis.RedisDebounceStore;
import dev.actionqueues.sqs.testing.ElasticMq;
import java.net.Socket;
import java.net.URI;
import dev.actionqueues.sqs.testing.Inapplicable;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The debouncing part of the contract on SQS standard queues (ElasticMQ in-process) with the debounce
 * keys in Redis: the machine's ({@code REDIS_URL}, default {@code redis://127.0.0.1:6379}); without
 * it the tests fail under {@code CI=true} and are skipped elsewhere. {@link SqsBackendContractTest}
 * runs the whole contract with an in-memory store.
 */
class SqsRedisDebounceContractTest extends DebounceContract {

    @RegisterExtension
    static final Inapplicable WHOLE_SECONDS = Inapplicable.tests(Map.of(
            "debounceLeadingRunsOfAKeyStartAWindowApartCountedFromTheClaim", Inapplicable.WHOLE_SECOND_DELAYS));

    private static SqsClient client;
    private static RedisDebounceStore store;
    private static SqsBackendFactory factory;

    @BeforeAll
    static void connect() {
        String url = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
        URI uri = URI.create(url);
        try (Socket s = new Socket(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 6379)) {
            s.isConnected();
        } catch (java.io.IOException e) {
            String reason = "Redis is not reachable at " + uri.getHost() + " (set REDIS_URL or start redis-server)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(reason + "; CI=true, so this is a failure, not a skip");
            }
            Assumptions.abort(reason);
        }
        store = RedisDebounceStore.create(url, "aqsqs-" + UUID.randomUUID().toString().substring(0, 8));
        client = ElasticMq.client();
        factory = SqsBackendFactory.builder().client(client).createQueues(true).scanWait(Duration.ZERO)
                .debouncer(store).build();
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Override
    protected Backend createBackend(String group) {
        return factory.createBackendForGroup(group);
    }

    @Override
    protected void advance(Duration duration) throws InterruptedException {
        Thread.sleep(duration); // the servers' clocks (SQS's and Redis's), not ours
    }
}
