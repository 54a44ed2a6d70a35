package dev.actionqueues.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actionqueues.deferred.LaterOptions;
import dev.actionqueues.deferred.LaterResult;
import dev.actionqueues.deferred.TaskDescriptor;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code actionqueues enqueue TASK --args JSON [--delay D]}: one job for the workers of the group. */
@Command(name = "enqueue", description = "Defer one call of a task, for the group's workers to run.")
final class EnqueueCommand implements Callable<Integer> {

    @Mixin
    BackendOptions backend;

    @Parameters(paramLabel = "TASK", description = "The task's name.")
    String task;

    @Option(names = "--args", description = "The arguments as JSON (default: null).", defaultValue = "null")
    String args;

    @Option(names = "--delay", description = "Run it after this long (ISO-8601, e.g. PT10M, or 10s, 5m, 2h).")
    String delay;

    @Option(names = "--id", description = "A job id of yours: enqueue once (backends that take job ids).")
    String id;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(args);
        } catch (Exception e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--args is not JSON: " + e.getMessage());
        }
        java.util.List<LaterOptions> options = new java.util.ArrayList<>();
        if (delay != null) {
            options.add(LaterOptions.delay(Durations.parse(spec, "--delay", delay)));
        }
        if (id != null) {
            options.add(LaterOptions.jobId(id));
        }
        try (BackendOptions.Opened o = backend.open()) {
            LaterResult r = o.deferrable().task(TaskDescriptor.of(task, JsonNode.class)).later(json, options.toArray(LaterOptions[]::new));
            spec.commandLine().getOut().printf("%s %s%n", r.duplicate() ? "already queued:" : "enqueued", r.jobId());
        }
        return 0;
    }
}
