package dev.actionqueues.cli;

import dev.actionqueues.deferred.ErrorEntry;
import dev.actionqueues.deferred.ErrorQueue;
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

    /** Filters by task and error class, over at most {@code scan} entries from the front. */
    static final class Filter {
        @Option(names = "--task", description = "Only the jobs of this task.")
        String task;

        @Option(names = "--error-class", description = "Only the jobs that failed with this exception class"
                + " (its full or simple name).")
        String errorClass;

        boolean matches(ErrorEntry e) {
            if (task != null && !task.equals(e.task())) {
                return false;
            }
            if (errorClass == null) {
                return true;
            }
            String type = e.error() == null ? null : e.error().type();
            return type != null && (type.equals(errorClass) || type.endsWith("." + errorClass));
        }

        /** Applies {@code action} to every matching entry; returns how many it returned true for. */
        int each(ErrorQueue errors, java.util.function.Predicate<ErrorEntry> action) {
            int done = 0;
            for (ErrorEntry e : select(errors, Integer.MAX_VALUE)) {
                if (action.test(e)) {
                    done++;
                }
            }
            return done;
        }

        List<ErrorEntry> select(ErrorQueue errors, int limit) {
            List<ErrorEntry> out = new ArrayList<>();
            int page = 500;
            for (int offset = 0; out.size() < limit; offset += page) {
                List<ErrorEntry> entries = errors.list(offset, page);
                for (ErrorEntry e : entries) {
                    if (matches(e) && out.size() < limit) {
                        out.add(e);
                    }
                }
                if (entries.size() < page) {
                    break;
                }
            }
            return out;
        }
    }

    @Command(name = "list", description = "List failed jobs, oldest first.")
    static final class ListErrors implements Callable<Integer> {
        @Mixin
        BackendOptions backend;
        @CommandLine.ArgGroup(exclusive = false)
        Filter filter = new Filter();
        @Option(names = "--limit", description = "At most this many (default: ${DEFAULT-VALUE}).", defaultValue = "50")
        int limit;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (BackendOptions.Opened o = backend.open()) {
                PrintWriter out = spec.commandLine().getOut();
                List<ErrorEntry> entries = filter.select(o.deferrable().errors(), limit);
                for (ErrorEntry e : entries) {
                    out.printf("%s  %s  %s  %s%n", e.jobId(), e.task(), e.error() == null ? "-" : e.error().type(),
                            e.error() == null ? "" : oneLine(e.error().reason()));
                }
                out.printf("%d job(s)%n", entries.size());
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
                ErrorEntry e = o.deferrable().errors().find(id)
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
                ErrorQueue errors = o.deferrable().errors();
                if (id != null) {
                    if (!errors.replay(id)) {
                        throw new IllegalStateException("no failed job " + id + " in group " + backend.group);
                    }
                    spec.commandLine().getOut().printf("replayed %s%n", id);
                    return 0;
                }
                int replayed = filter.each(errors, e -> errors.replay(e.jobId()));
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
                ErrorQueue errors = o.deferrable().errors();
                if (task == null) {
                    long n = errors.count();
                    errors.purge();
                    spec.commandLine().getOut().printf("purged %d job(s)%n", n);
                    return 0;
                }
                Filter f = new Filter();
                f.task = task;
                spec.commandLine().getOut().printf("purged %d job(s)%n", f.each(errors, e -> errors.delete(e.jobId())));
            }
            return 0;
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ");
    }
}
