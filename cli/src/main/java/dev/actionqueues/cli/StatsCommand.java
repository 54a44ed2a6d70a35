package dev.actionqueues.cli;

import dev.actionqueues.dashboard.AdminJson;
import dev.actionqueues.deferred.QueueOverview;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code actionqueues stats}: the group's queue depths. */
@Command(name = "stats", description = "Show how many jobs wait, are delayed, run, and failed, and how long the"
        + " oldest has waited.")
final class StatsCommand implements Callable<Integer> {

    @Mixin
    BackendOptions backend;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (BackendOptions.Opened o = backend.open()) {
            QueueOverview s = o.deferrable().admin().overview();
            if (json) {
                spec.commandLine().getOut().println(AdminJson.overview(s));
            } else {
                spec.commandLine().getOut().printf("group %s%n  waiting   %d%n  delayed   %d%n  in flight %d%n"
                        + "  errors    %d%n  oldest waiting job %s%n", s.group(), s.waiting(), s.delayed(), s.inFlight(),
                        s.errors(), s.oldestWaiting().map(d -> d.toMillis() / 1000 + " s").orElse("-"));
            }
        }
        return 0;
    }
}
