package dev.actionqueues.cli;

import dev.actionqueues.dashboard.AdminJson;
import dev.actionqueues.deferred.BulkResult;
import dev.actionqueues.deferred.ErrorEntry;
import dev.actionqueues.deferred.ErrorFilter;
import dev.actionqueues.deferred.ErrorPage;
import dev.actionqueues.deferred.QueueAdmin;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code actionqueues errors}: the group's error queue. */
@Command(name = "errors", description = "List, show, replay or purge the jobs that failed.",
        subcommands = {ErrorsCommand.ListErrors.class, ErrorsCommand.Show.class, ErrorsCommand.Replay.class,
                ErrorsCommand.Purge.class})
final class ErrorsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: list, show, replay, purge");
    }

    /** Filters by task, error class and text. */
    static final class Filter {
        @Option(names = "--task", description = "Only the jobs of this task.")
        String task;

        @Option(names = "--error-class", description = "Only the jobs that failed with this exception class"
                + " (its full or simple name).")
        String errorClass;

        @Option(names = "--text", description = "Only the jobs whose error or arguments contain this text.")
        String text;

        ErrorFilter filter() {
            return new ErrorFilter(task, errorClass, text);
        }
    }

    /** Applies a bulk action to every match, {@link QueueAdmin#MAX_BULK} at a time; returns how many. */
    static long all(java.util.function.Function<Integer, BulkResult> action) {
        long total = 0;
        BulkResult r;
        do {
            r = action.apply(QueueAdmin.MAX_BULK);
            total += r.done();
        } while (r.capped() && r.done() > 0);
        return total;
    }

    @Command(name = "list", description = "List failed jobs, oldest first.")
    static final class ListErrors implements Callable<Integer> {
        @Mixin
        BackendOptions backend;
        @CommandLine.ArgGroup(exclusive = false)
        Filter filter = new Filter();
        @Option(names = "--limit", description = "At most this many (default: ${DEFAULT-VALUE}).", defaultValue = "50")
        int limit;
        @Option(names = "--json", description = "Print JSON (the dashboard API's objects) instead of a table.")
        boolean json;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (limit < 1 || limit > 1000) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be 1 to 1000");
            }
            try (BackendOptions.Opened o = backend.open()) {
                PrintWriter out = spec.commandLine().getOut();
                List<ErrorEntry> entries = new ArrayList<>();
                String cursor = null;
                do {
                    ErrorPage page = o.deferrable().admin().errors(filter.filter(), cursor, limit - entries.size());
                    entries.addAll(page.entries());
                    cursor = page.next().orElse(null);
                } while (cursor != null && entries.size() < limit);
                if (json) {
                    var array = new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode();
                    entries.forEach(e -> array.add(AdminJson.error(e, false)));
                    out.println(array);
                    return 0;
                }
                for (ErrorEntry e : entries) {
                    out.printf("%s  %s  %s  %s%n", e.jobId(), e.task(), e.error() == null ? "-" : e.error().type(),
                            e.error() == null ? "" : oneLine(e.error().reason()));
                }
                out.printf("%d job(s)%s%n", entries.size(), cursor != null ? " (more: raise --limit)" : "");
            }
            return 0;
        }
    }

    @Command(name = "show", description = "Show one failed job: arguments, error and stack trace.")
    static final class Show implements Callable<Integer> {
        @Mixin
        BackendOptions backend;
        @Parameters(paramLabel = "ID", description = "The job id.")
        String id;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (BackendOptions.Opened o = backend.open()) {
                ErrorEntry e = o.deferrable().admin().error(id)
                        .orElseThrow(() -> new IllegalStateException("no failed job " + id + " in group " + backend.group));
                PrintWriter out = spec.commandLine().getOut();
                out.printf("job       %s%ntask      %s%narguments %s%n", e.jobId(), e.task(), e.arguments());
                if (e.error() != null) {
                    out.printf("error     %s: %s%nreason    %s%nattempts  %d%nhost      %s%ntime      %s%n%s%n",
                            e.error().type(), e.error().message(), e.error().reason(), e.error().attempts(),
                            e.error().host(), e.error().time(), e.error().stackTrace() == null ? ""
                                    : e.error().stackTrace());
                }
            }
            return 0;
        }
    }

    @Command(name = "replay", description = "Put failed jobs back on the queue: one by id, or --all (matching filters).")
    static final class Replay implements Callable<Integer> {
        @Mixin
        BackendOptions backend;
        @Parameters(paramLabel = "ID", arity = "0..1", description = "The job id.")
        String id;
        @Option(names = "--all", description = "Every failed job that matches the filters.")
        boolean all;
        @CommandLine.ArgGroup(exclusive = false)
        Filter filter = new Filter();
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if ((id == null) == !all) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give a job ID or --all, not both");
            }
            try (BackendOptions.Opened o = backend.open()) {
                QueueAdmin admin = o.deferrable().admin().actingAs("cli:" + System.getProperty("user.name", "unknown"));
                if (id != null) {
                    if (!admin.replay(id)) {
                        throw new IllegalStateException("no failed job " + id + " in group " + backend.group);
                    }
                    spec.commandLine().getOut().printf("replayed %s%n", id);
                    return 0;
                }
                long replayed = all(cap -> admin.replayMatching(filter.filter(), cap));
                spec.commandLine().getOut().printf("replayed %d job(s)%n", replayed);
            }
            return 0;
        }
    }

    @Command(name = "purge", description = "Delete failed jobs (all, or a task's) for good.")
    static final class Purge implements Callable<Integer> {
        @Mixin
        BackendOptions backend;
        @Option(names = "--task", description = "Only the jobs of this task.")
        String task;
        @Option(names = "--yes", description = "Confirm: nothing is deleted without it.")
        boolean yes;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!yes) {
                throw new CommandLine.ParameterException(spec.commandLine(), "purge deletes for good: add --yes");
            }
            try (BackendOptions.Opened o = backend.open()) {
                QueueAdmin admin = o.deferrable().admin().actingAs("cli:" + System.getProperty("user.name", "unknown"));
                long purged = task == null ? admin.purgeErrors()
                        : all(cap -> admin.deleteMatching(new ErrorFilter(task, null, null), cap));
                spec.commandLine().getOut().printf("purged %d job(s)%n", purged);
            }
            return 0;
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ");
    }
}
