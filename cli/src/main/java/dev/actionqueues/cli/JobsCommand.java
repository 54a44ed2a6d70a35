package dev.actionqueues.cli;

import dev.actionqueues.dashboard.AdminJson;
import dev.actionqueues.deferred.JobView;
import dev.actionqueues.deferred.JobViewPage;
import dev.actionqueues.deferred.spi.JobState;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code actionqueues jobs list --state waiting|delayed|in-flight}: the main queue's jobs, a page at a time. */
@Command(name = "jobs", description = "Look at the jobs of the main queue.", subcommands = JobsCommand.ListJobs.class)
final class JobsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: list");
    }

    @Command(name = "list", description = "List waiting jobs in claim order, delayed ones by due time, or jobs in"
            + " flight by lease expiry.")
    static final class ListJobs implements Callable<Integer> {
        @Mixin
        BackendOptions backend;
        @Option(names = "--state", defaultValue = "waiting", description = "waiting, delayed or in-flight"
                + " (default: ${DEFAULT-VALUE}).")
        String state;
        @Option(names = "--limit", defaultValue = "50", description = "At most this many (default: ${DEFAULT-VALUE}).")
        int limit;
        @Option(names = "--cursor", description = "Go on from where the previous page ended (its 'next' line).")
        String cursor;
        @Option(names = "--json", description = "Print JSON (the dashboard API's objects) instead of a table.")
        boolean json;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            JobState s = switch (state.toLowerCase(Locale.ROOT)) {
                case "waiting" -> JobState.WAITING;
                case "delayed" -> JobState.DELAYED;
                case "in-flight", "in_flight" -> JobState.IN_FLIGHT;
                default -> throw new CommandLine.ParameterException(spec.commandLine(),
                        "--state must be waiting, delayed or in-flight, was '" + state + "'");
            };
            if (limit < 1 || limit > 1000) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be 1 to 1000");
            }
            try (BackendOptions.Opened o = backend.open()) {
                JobViewPage page = o.deferrable().admin().jobs(s, cursor, limit);
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    var node = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
                    var items = node.putArray("jobs");
                    page.jobs().forEach(j -> items.add(AdminJson.job(j)));
                    node.put("next", page.next().orElse(null));
                    out.println(node);
                    return 0;
                }
                for (JobView j : page.jobs()) {
                    Object when = s == JobState.DELAYED ? j.dueAt() : s == JobState.IN_FLIGHT ? j.leaseExpiresAt()
                            : j.pushedAt();
                    out.printf("%s  %s  %s  attempts %d  %s%n", j.id(), j.task() == null ? "(unreadable)" : j.task(),
                            j.arguments() == null ? "-" : j.arguments(), j.attempts(), when == null ? "" : when);
                }
                out.printf("%d job(s)%n", page.jobs().size());
                page.next().ifPresent(n -> out.printf("next: --cursor '%s'%n", n));
            }
            return 0;
        }
    }
}
