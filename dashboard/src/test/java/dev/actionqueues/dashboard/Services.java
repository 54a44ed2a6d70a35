package dev.actionqueues.dashboard;

import dev.actionqueues.deferred.testkit.RequiredService;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the dashboard tests need on this machine: fails under CI=true when it is missing, else skips with the reason. */
final class Services {

    private Services() {
    }

    static String redis() {
        return RequiredService.redis();
    }

    /** The Chromium binary: CHROMIUM_PATH, else Debian's /usr/bin/chromium. */
    static Path chromium() {
        String env = System.getenv("CHROMIUM_PATH");
        Path p = Path.of(env == null || env.isBlank() ? "/usr/bin/chromium" : env);
        RequiredService.require(Files.isExecutable(p),
                "no Chromium at " + p + " (apt-get install chromium, or set CHROMIUM_PATH)");
        return p;
    }
}
