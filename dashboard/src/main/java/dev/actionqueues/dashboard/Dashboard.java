package dev.actionqueues.dashboard;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.actionqueues.deferred.Deferrable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;

/**
 * The operators' dashboard: a JSON API and a single-page web UI over one or more groups'
 * {@link dev.actionqueues.deferred.QueueAdmin}. Framework-free: it is a plain
 * {@link com.sun.net.httpserver.HttpHandler}, served on its own port by {@link #serve} or mounted
 * under a path of an existing {@code HttpServer} with {@link #handler()}.
 *
 * <p>Safety: every request is authorized ({@link Authorizer}; the default lets anyone read and act,
 * so bind to loopback or configure one); read-only mode hides and refuses every action; each
 * mutating request must carry the CSRF token the page got from the API; responses carry a
 * Content-Security-Policy without inline script, {@code Cache-Control: no-store} and
 * {@code X-Content-Type-Options: nosniff}; the UI renders every payload as text. Thread-safe.
 *
 * <pre>{@code
 * Dashboard dashboard = Dashboard.builder()
 *         .group(deferrable)
 *         .authorizer(Authorizer.basic("ops", System.getenv("DASHBOARD_PASSWORD"), Access.ACT))
 *         .build();
 * try (DashboardServer server = dashboard.serve(new InetSocketAddress("127.0.0.1", 8080))) {
 *     ...
 * }
 * }</pre>
 */
public final class Dashboard {

    private final DashboardHandler handler;

    private Dashboard(Builder b) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.handler = new DashboardHandler(new LinkedHashMap<>(b.groups), b.authorizer, b.readOnly, b.bulkCap,
                new Csrf(secret));
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The dashboard as an HTTP handler, to mount on an existing server under any context path
     * ({@code server.createContext("/ops/queues", dashboard.handler())}); it serves the UI at the
     * context path and the API under {@code <path>/api/}.
     *
     * @return the handler
     */
    public HttpHandler handler() {
        return handler;
    }

    /**
     * Serves the dashboard on its own HTTP server at the root path, one virtual thread per request.
     *
     * @param address where to listen (port 0 picks a free one)
     * @return the running server; close it to stop
     * @throws IOException if the address cannot be bound
     */
    public DashboardServer serve(InetSocketAddress address) throws IOException {
        Objects.requireNonNull(address, "address");
        HttpServer server = HttpServer.create(address, 64);
        server.createContext("/", handler);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return new DashboardServer(server);
    }

    /** Builds a {@link Dashboard}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, DashboardGroup> groups = new LinkedHashMap<>();
        private Authorizer authorizer = Authorizer.anyone(Access.ACT);
        private boolean readOnly;
        private int bulkCap = 1_000;

        private Builder() {
        }

        /**
         * Adds a group: its queue, error queue and sagas appear in the dashboard.
         *
         * @param deferrable the group's Deferrable
         * @return this builder
         * @throws IllegalArgumentException if a group of that name was added already
         */
        public Builder group(Deferrable deferrable) {
            return group(deferrable, null);
        }

        /**
         * Adds a group with a recorder of its throughput (jobs run and failed per minute, last hour),
         * which must also be a listener of the Deferrable whose worker runs in this process.
         *
         * @param deferrable the group's Deferrable
         * @param throughput its recorder, or null if this process does not run its jobs
         * @return this builder
         * @throws IllegalArgumentException if a group of that name was added already
         */
        public Builder group(Deferrable deferrable, ThroughputRecorder throughput) {
            Objects.requireNonNull(deferrable, "deferrable");
            String name = deferrable.admin().group();
            if (groups.putIfAbsent(name, new DashboardGroup(deferrable, throughput)) != null) {
                throw new IllegalArgumentException("group " + name + " was added already");
            }
            return this;
        }

        /**
         * Sets who may read and act; the default lets anyone do both.
         *
         * @param authorizer the authorizer
         * @return this builder
         */
        public Builder authorizer(Authorizer authorizer) {
            this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
            return this;
        }

        /**
         * Read-only mode: the UI shows no actions and the API refuses them (403), whoever calls.
         *
         * @param readOnly whether the dashboard is read-only
         * @return this builder
         */
        public Builder readOnly(boolean readOnly) {
            this.readOnly = readOnly;
            return this;
        }

        /**
         * Sets the most error-queue entries one "replay/delete all matching" acts on (default 1,000).
         *
         * @param cap 1 to {@link dev.actionqueues.deferred.QueueAdmin#MAX_BULK}
         * @return this builder
         */
        public Builder bulkCap(int cap) {
            if (cap < 1 || cap > dev.actionqueues.deferred.QueueAdmin.MAX_BULK) {
                throw new IllegalArgumentException("cap must be between 1 and "
                        + dev.actionqueues.deferred.QueueAdmin.MAX_BULK + ", was " + cap);
            }
            this.bulkCap = cap;
            return this;
        }

        /**
         * Builds the dashboard.
         *
         * @return the dashboard
         * @throws IllegalStateException if no group was added
         */
        public Dashboard build() {
            if (groups.isEmpty()) {
                throw new IllegalStateException("add at least one group");
            }
            return new Dashboard(this);
        }
    }
}
