package dev.actionqueues.cli;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.TaskProvider;
import dev.actionqueues.deferred.Worker;
import java.io.PrintWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code actionqueues worker --tasks app.jar}: runs a worker for the tasks the jars provide through
 * {@link TaskProvider} (a {@code ServiceLoader} service), until SIGTERM or SIGINT, then stops
 * gracefully: running jobs finish within the shutdown timeout and jobs claimed ahead are given back.
 */
@Command(name = "worker", description = "Run a worker for the tasks your jar provides (ServiceLoader"
        + " dev.actionqueues.deferred.TaskProvider) until SIGTERM or Ctrl-C, then stop gracefully.")
final class WorkerCommand implements Callable<Integer> {

    @Mixin
    BackendOptions backend;

    @Option(names = "--tasks", required = true, paramLabel = "JAR", description = "A jar (or classes folder) with"
            + " TaskProvider implementations listed in META-INF/services; repeat for several.")
    List<Path> jars;

    @Option(names = "--concurrency", defaultValue = "4", description = "Jobs run at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--shutdown-timeout", defaultValue = "30s", description = "How long running jobs may take to"
            + " finish on stop (default: ${DEFAULT-VALUE}).")
    String shutdownTimeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Duration timeout = Durations.parse(spec, "--shutdown-timeout", shutdownTimeout);
        if (concurrency < 1 || concurrency > 1000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--concurrency must be 1 to 1000");
        }
        List<URL> urls = new ArrayList<>();
        for (Path jar : jars) {
            if (!Files.exists(jar)) {
                throw new IllegalArgumentException("no such jar: " + jar);
            }
            urls.add(jar.toUri().toURL());
        }
        PrintWriter out = spec.commandLine().getOut();
        ProgressLine progress = new ProgressLine(out, System.console() != null);
        URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), getClass().getClassLoader());
        BackendOptions.Opened opened = backend.open(progress);
        Deferrable deferrable = opened.deferrable();
        List<String> providers = new ArrayList<>();
        for (TaskProvider p : ServiceLoader.load(TaskProvider.class, loader)) {
            if (p.serves(backend.group)) {
                p.register(deferrable);
                providers.add(p.getClass().getName());
            }
        }
        if (providers.isEmpty()) {
            opened.close();
            throw new IllegalArgumentException("no TaskProvider for group " + backend.group + " in " + jars
                    + " (list your class in META-INF/services/" + TaskProvider.class.getName() + ")");
        }
        Worker worker = Worker.builder(deferrable).concurrency(concurrency).shutdownTimeout(timeout).build();
        StopSignal signal = new StopSignal(() -> {
            out.println();
            out.printf("stopping: waiting up to %s for running jobs%n", timeout);
            out.flush();
            boolean clean = worker.shutdown(timeout);
            progress.close();
            out.printf("stopped%s: %s%n", clean ? "" : " (some jobs were still running: their leases run out)",
                    progress.summary());
            out.flush();
            opened.close();
        }, spec.commandLine().getErr());
        worker.start();
        out.printf("worker running on group %s: %s, concurrency %d. Stop with Ctrl-C or SIGTERM.%n", backend.group,
                providers, concurrency);
        out.flush();
        progress.start();
        signal.await();
        return 0;
    }
}
