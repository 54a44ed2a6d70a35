package dev.actionqueues.cli;

import dev.actionqueues.dashboard.Access;
import dev.actionqueues.dashboard.Authorizer;
import dev.actionqueues.dashboard.Dashboard;
import dev.actionqueues.dashboard.DashboardServer;
import dev.actionqueues.dashboard.ThroughputRecorder;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code actionqueues dashboard --port P}: serves the web dashboard for a group until SIGTERM or Ctrl-C. */
@Command(name = "dashboard", description = "Serve the web dashboard for the group until SIGTERM or Ctrl-C.")
final class DashboardCommand implements Callable<Integer> {

    @Mixin
    BackendOptions backend;

    @Option(names = "--port", defaultValue = "8080", description = "The port (0 picks a free one; default:"
            + " ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "The address to listen on (default:"
            + " ${DEFAULT-VALUE}; 0.0.0.0 for every interface: then set --user).")
    String bind;

    @Option(names = "--read-only", description = "Show everything, change nothing.")
    boolean readOnly;

    @Option(names = "--user", description = "Require HTTP Basic auth as this user; the password is read from the"
            + " variable ACTIONQUEUES_DASHBOARD_PASSWORD.")
    String user;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be 0 to 65535");
        }
        Authorizer authorizer = Authorizer.anyone(Access.ACT);
        if (user != null) {
            String password = System.getenv("ACTIONQUEUES_DASHBOARD_PASSWORD");
            if (password == null || password.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--user needs the password in ACTIONQUEUES_DASHBOARD_PASSWORD");
            }
            authorizer = Authorizer.basic(user, password, Access.ACT);
        } else if (!isLoopback(bind)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "listening on " + bind + " without --user would let anyone act: set --user");
        }
        ThroughputRecorder throughput = new ThroughputRecorder();
        BackendOptions.Opened opened = backend.open(throughput);
        DashboardServer server = Dashboard.builder().group(opened.deferrable(), throughput).authorizer(authorizer)
                .readOnly(readOnly).build().serve(new InetSocketAddress(bind, port));
        StopSignal signal = new StopSignal(() -> {
            server.close();
            opened.close();
        }, spec.commandLine().getErr());
        PrintWriter out = spec.commandLine().getOut();
        out.printf("dashboard for group %s at %s%s (Ctrl-C stops it)%n", backend.group, server.uri(),
                readOnly ? " (read-only)" : "");
        out.flush();
        signal.await();
        return 0;
    }

    private static boolean isLoopback(String address) {
        return address.equals("localhost") || address.startsWith("127.") || address.equals("::1");
    }
}
