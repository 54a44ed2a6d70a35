package dev.actionqueues.redis.testing;

import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.redis.RedisBackendFactory;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit extension for a test class's backends on the machine's Redis: one factory under a fresh key
 * prefix for the class, its keys deleted after it, and time that passes on the server's clock. Register
 * it as a static field with {@code @RegisterExtension}.
 */
public final class RedisTestBackend implements BeforeAllCallback, AfterAllCallback {

    private final String prefix;
    private RedisBackendFactory factory;
    private RedisClient client;
    private StatefulRedisConnection<String, String> raw;

    /**
     * @param name the start of the key prefix, before a random part
     */
    public RedisTestBackend(String name) {
        this.prefix = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String url = SharedRedis.require();
        factory = RedisBackendFactory.builder().uri(url).keyPrefix(prefix).build();
        client = RedisClient.create(url);
        raw = client.connect();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (factory != null) {
            factory.close();
            RedisClock.deleteKeys(raw.sync(), prefix);
            raw.close();
            client.shutdown();
        }
    }

    /** A backend of the factory for {@code group}. */
    public Backend backend(String group) {
        return factory.createBackendForGroup(group);
    }

    /** Waits until {@code duration} has passed on the server's clock. */
    public void advance(Duration duration) {
        RedisClock.advance(raw.sync(), duration);
    }
}
