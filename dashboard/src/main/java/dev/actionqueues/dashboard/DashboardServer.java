package dev.actionqueues.dashboard;

import com.sun.net.httpserver.HttpServer;
import java.net.URI;

/** A dashboard served on its own port by {@link Dashboard#serve}; close it to stop. Thread-safe. */
public final class DashboardServer implements AutoCloseable {

    private final HttpServer server;

    DashboardServer(HttpServer server) {
        this.server = server;
    }

    /**
     * Where the dashboard is served.
     *
     * @return its base address, ending with {@code /}
     */
    public URI uri() {
        String host = server.getAddress().getAddress().isAnyLocalAddress() ? "127.0.0.1"
                : server.getAddress().getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + server.getAddress().getPort() + "/");
    }

    /** Stops accepting requests and waits up to a second for those running. */
    @Override
    public void close() {
        server.stop(1);
    }
}
