package dev.actionqueues.dashboard;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Finds what the tests need on this machine: fails under CI=true when it is missing, else skips with the reason. */
final class Services {

    private Services() {
    }

    static String redis() {
        String env = System.getenv("REDIS_URL");
        String u = env == null || env.isBlank() ? "redis://127.0.0.1:6379" : env;
        URI uri = URI.create(u);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 6379), 2000);
        } catch (Exception e) {
            missing("Redis is not reachable at " + uri.getHost() + " (set REDIS_URL or start redis-server)");
        }
        return u;
    }

    /** The Chromium binary: CHROMIUM_PATH, else Debian's /usr/bin/chromium. */
    static Path chromium() {
        String env = System.getenv("CHROMIUM_PATH");
        Path p = Path.of(env == null || env.isBlank() ? "/usr/bin/chromium" : env);
        if (!Files.isExecutable(p)) {
            missing("no Chromium at " + p + " (apt-get install chromium, or set CHROMIUM_PATH)");
        }
        return p;
    }

    private static void missing(String reason) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(reason + "; CI=true, so this is a failure, not a skip");
        }
        Assumptions.abort("skipped: " + reason);
    }
}
