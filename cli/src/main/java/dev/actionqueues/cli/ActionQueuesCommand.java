package dev.actionqueues.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code actionqueues} command. Exit codes: 0 done, 1 the command failed (a backend that
 * cannot be reached, a job that is not there), 2 a usage error. Errors are one line on stderr; the
 * stack trace only with {@code --verbose}. Credentials in a backend URL are never printed.
 */
@Command(name = "actionqueues", mixinStandardHelpOptions = true, version = "actionqueues 0.1.0-SNAPSHOT",
        description = "Run the demo, look at a group's queues and its error queue, replay or purge failed jobs,"
                + " enqueue a job, run a worker for your tasks, serve the dashboard.",
        subcommands = {DemoCommand.class, StatsCommand.class, ErrorsCommand.class, JobsCommand.class,
                EnqueueCommand.class, WorkerCommand.class, DashboardCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the command failed (backend unreachable, job not found)", "2:usage error"})
public final class ActionQueuesCommand implements Runnable {

    @Option(names = "--verbose", description = "Print stack traces with errors.", scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Runs the command.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Runs the command with the given output streams; returns the exit code.
     *
     * @param out where results go
     * @param err where errors go
     * @param args the arguments
     * @return 0, 1 or 2
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        }
        CommandLine cl = new CommandLine(new ActionQueuesCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("actionqueues: " + Urls.redact(String.valueOf(e.getMessage())));
            if (verbose) {
                e.printStackTrace(line.getErr());
            }
            return 1;
        });
        return cl.execute(args);
    }
}
