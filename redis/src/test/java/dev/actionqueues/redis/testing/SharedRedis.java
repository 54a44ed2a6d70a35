package dev.actionqueues.redis.testing;

import java.net.URI;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The machine's Redis ({@code REDIS_URL}, default {@code redis://127.0.0.1:6379}). When it is not
 * reachable, tests fail under {@code CI=true} (CI must never skip silently) and are skipped with a
 * clear reason on a developer's machine.
 */
public final class SharedRedis {

    private SharedRedis() {
    }

    public static String url() {
        String url = System.getenv("REDIS_URL");
        return url == null || url.isBlank() ? "redis://127.0.0.1:6379" : url;
    }

    /** Fails (CI) or skips (developer machine) unless the shared Redis answers PING. */
    public static String require() {
        URI uri = URI.create(url());
        int port = uri.getPort() > 0 ? uri.getPort() : 6379;
        boolean up = uri.getUserInfo() != null || RedisServerProcess.ping(port);
        if (!up) {
            String reason = "Redis is not reachable at " + uri.getHost() + ":" + port
                    + " (set REDIS_URL or start redis-server)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(reason + "; CI=true, so this is a failure, not a skip");
            }
            Assumptions.abort("skipped: " + reason);
        }
        return url();
    }
}
