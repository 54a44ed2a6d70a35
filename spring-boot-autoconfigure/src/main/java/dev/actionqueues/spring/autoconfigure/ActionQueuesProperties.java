package dev.actionqueues.spring.autoconfigure;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code actionqueues.*} properties. Immutable.
 *
 * @param backend Where the jobs are kept: {@code memory} (this process only, lost on exit) or
 *     {@code redis}.
 * @param group The group whose queues this application pushes to and runs.
 * @param redis The Redis backend's settings, read when {@code backend=redis}.
 * @param worker The worker's settings.
 * @param dashboard The dashboard's settings.
 * @param metrics The Micrometer metrics' settings.
 */
@ConfigurationProperties("actionqueues")
public record ActionQueuesProperties(
        @DefaultValue("memory") BackendType backend,
        @DefaultValue(DEFAULT_GROUP) String group,
        @DefaultValue Redis redis,
        @DefaultValue Worker worker,
        @DefaultValue Dashboard dashboard,
        @DefaultValue Metrics metrics) {

    /** The group used when {@code actionqueues.group} is not set. */
    public static final String DEFAULT_GROUP = "default";

    /** Checks the values that Spring's binding does not. */
    public ActionQueuesProperties {
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("actionqueues.group must not be blank");
        }
    }

    /** Where the jobs are kept. */
    public enum BackendType {
        /** In this process's memory: for tests and single-process applications that may lose jobs. */
        MEMORY,
        /** Redis, through the actionqueues-redis module. */
        REDIS
    }

    /**
     * The Redis backend's settings.
     *
     * @param uri The server, as a Lettuce URI ({@code redis://[:password@]host:port[/db]},
     *     {@code rediss://} for TLS).
     * @param keyPrefix The prefix of every key the backend writes, to share a database between
     *     applications.
     */
    public record Redis(@DefaultValue("redis://localhost:6379") String uri, @DefaultValue("aq") String keyPrefix) {

        /** Never shows the URI, which may hold a password. */
        @Override
        public String toString() {
            return "Redis[uri=(hidden), keyPrefix=" + keyPrefix + "]";
        }
    }

    /**
     * The worker's settings.
     *
     * @param enabled Whether this application runs jobs; false for a producer-only application.
     * @param concurrency How many jobs run at once, each on its own virtual thread.
     * @param prefetch How many jobs the worker claims ahead of its free threads (0 for long jobs).
     * @param lease How long a claimed job is leased before another worker may take it (renewed
     *     while it runs).
     * @param shutdownTimeout How long running jobs get to finish when the application stops; keep
     *     it under {@code spring.lifecycle.timeout-per-shutdown-phase}.
     */
    public record Worker(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("1") int concurrency,
            @DefaultValue("0") int prefetch,
            @DefaultValue("30s") Duration lease,
            @DefaultValue("20s") Duration shutdownTimeout) {
    }

    /**
     * The dashboard's settings, used when actionqueues-dashboard is on the classpath of a servlet
     * web application.
     *
     * @param enabled Whether to serve the dashboard on the application's port.
     * @param path Where: the UI at this path, its API under {@code <path>/api/}.
     * @param readOnly Whether to hide and refuse every action (replay, delete, purge, run now, cancel).
     */
    public record Dashboard(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("/actionqueues") String path,
            @DefaultValue("false") boolean readOnly) {
    }

    /**
     * The Micrometer metrics' settings, used when actionqueues-micrometer is on the classpath and
     * the application has a {@code MeterRegistry}.
     *
     * @param enabled Whether to publish the {@code actionqueues.*} meters.
     */
    public record Metrics(@DefaultValue("true") boolean enabled) {
    }
}
