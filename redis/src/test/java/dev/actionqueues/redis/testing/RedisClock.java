package dev.actionqueues.redis.testing;

import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;

/** The clock of a Redis server ({@code TIME}), which leases and delays run on and a test cannot move. */
public final class RedisClock {

    private RedisClock() {
    }

    /** The server's time. */
    public static Instant now(RedisCommands<String, String> redis) {
        List<String> t = redis.time();
        return Instant.ofEpochSecond(Long.parseLong(t.get(0)), Long.parseLong(t.get(1)) * 1000);
    }

    /** Lets {@code duration} pass on the server's clock: waits until it has passed now plus {@code duration}. */
    public static void advance(RedisCommands<String, String> redis, Duration duration) {
        Instant target = now(redis).plus(duration);
        Awaitility.await().atMost(duration.plusSeconds(10)).pollInterval(Duration.ofMillis(5))
                .until(() -> !now(redis).isBefore(target));
    }

    /** Deletes every key under {@code prefix}, for a test's clean-up. */
    public static void deleteKeys(RedisCommands<String, String> redis, String prefix) {
        List<String> keys = redis.keys(prefix + ":*");
        if (!keys.isEmpty()) {
            redis.del(keys.toArray(String[]::new));
        }
    }
}
