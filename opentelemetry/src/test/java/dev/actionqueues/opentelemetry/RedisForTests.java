package dev.actionqueues.opentelemetry;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The machine's Redis ({@code REDIS_URL}, default {@code redis://127.0.0.1:6379}), as the redis
 * module's tests find it: when it does not answer, a test fails under {@code CI=true} (CI never
 * skips silently) and is skipped with the reason on a developer's machine.
 */
final class RedisForTests {

    private RedisForTests() {
    }

    static String url() {
        String url = System.getenv("REDIS_URL");
        return url == null || url.isBlank() ? "redis://127.0.0.1:6379" : url;
    }

    /** Returns the URL if Redis answers PING; else fails (CI) or skips. */
    static String require() {
        RedisURI uri = RedisURI.create(url());
        uri.setTimeout(Duration.ofSeconds(2));
        RedisClient client = RedisClient.create(uri);
        try (var c = client.connect()) {
            c.sync().ping();
            return url();
        } catch (RuntimeException e) {
            String reason = "Redis is not reachable at " + uri.getHost() + ":" + uri.getPort()
                    + " (set REDIS_URL or start redis-server): " + e.getMessage();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(reason + "; CI=true, so this is a failure, not a skip");
            }
            Assumptions.abort("skipped: " + reason);
            throw e;
        } finally {
            client.shutdown();
        }
    }

    /** Deletes every key under {@code prefix}. */
    static void deleteKeys(String prefix) {
        RedisClient client = RedisClient.create(url());
        try (var c = client.connect()) {
            var keys = c.sync().keys(prefix + ":*");
            if (!keys.isEmpty()) {
                c.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }
}
