package dev.actionqueues.cli;

import dev.actionqueues.deferred.DeferrableStats;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code actionqueues stats}: the group's queue depths. */
@Command(name = "stats", description = "Show how many jobs wait, are delayed, run, and failed.")
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
            DeferrableStats s = o.deferrable().stats();
            if (json) {
                spec.commandLine().getOut().printf("{\"group\":\"%s\",\"available\":%d,\"delayed\":%d,\"inFlight\":%d,"
                        + "\"errors\":%d}%n", backend.group.replace("\"", "\\\""), s.available(), s.delayed(),
                        s.inFlight(), s.errors());
            } else {
                spec.commandLine().getOut().printf("group %s%n  available %d%n  delayed   %d%n  in flight %d%n"
                        + "  errors    %d%n", backend.group, s.available(), s.delayed(), s.inFlight(), s.errors());
            }
        }
        return 0;
    }
}
