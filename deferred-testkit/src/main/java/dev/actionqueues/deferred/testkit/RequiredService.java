package dev.actionqueues.deferred.testkit;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine (a Redis server, a browser): when it is missing the test fails
 * under {@code CI=true} (CI must never skip silently) and is skipped with the reason elsewhere.
 */
public final class RequiredService {

    private RequiredService() {
    }

    /**
     * Fails (CI) or skips (elsewhere) unless {@code available}.
     *
     * @param available whether the service is there
     * @param reason what is missing and how to get it, for the message
     */
    public static void require(boolean available, String reason) {
        if (available) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(reason + "; CI=true, so this is a failure, not a skip");
        }
        Assumptions.abort("skipped: " + reason);
    }

    /**
     * The machine's Redis: {@code REDIS_URL}, default {@code redis://127.0.0.1:6379}, required to accept
     * a connection.
     *
     * @return its URL
     */
    public static String redis() {
        String env = System.getenv("REDIS_URL");
        String url = env == null || env.isBlank() ? "redis://127.0.0.1:6379" : env;
        URI uri = URI.create(url);
        boolean up;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 6379), 2000);
            up = true;
        } catch (Exception e) {
            up = false;
        }
        require(up, "Redis is not reachable at " + uri.getHost() + " (set REDIS_URL or start redis-server)");
        return url;
    }
}
