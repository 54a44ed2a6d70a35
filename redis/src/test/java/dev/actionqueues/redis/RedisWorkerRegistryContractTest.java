package dev.actionqueues.redis;

import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.testkit.WorkerRegistryContract;
import dev.actionqueues.redis.testing.RedisClock;
import dev.actionqueues.redis.testing.SharedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Redis worker registry passes the worker registry contract on the machine's Redis (a unique key prefix,
 * cleaned up afterwards), on the server's clock.
 */
class RedisWorkerRegistryContractTest extends WorkerRegistryContract {

    static final String PREFIX = "aqworkers-" + UUID.randomUUID().toString().substring(0, 8);
    private static RedisBackendFactory factory;
    private static RedisClient client;
    private static StatefulRedisConnection<String, String> raw;

    @BeforeAll
    static void connect() {
        String url = SharedRedis.require();
        factory = RedisBackendFactory.builder().uri(url).keyPrefix(PREFIX).build();
        client = RedisClient.create(url);
        raw = client.connect();
    }

    @AfterAll
    static void cleanUp() {
        if (factory != null) {
            factory.close();
            RedisClock.deleteKeys(raw.sync(), PREFIX);
            raw.close();
            client.shutdown();
        }
    }

    @Override
    protected Backend createBackend(String group) {
        return factory.createBackendForGroup(group);
    }

    @Override
    protected void advance(Duration duration) {
        RedisClock.advance(raw.sync(), duration);
    }

    @Override
    protected Duration tick() {
        return Duration.ofMillis(200);
    }
}
