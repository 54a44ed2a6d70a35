package dev.actionqueues.cli;

import dev.actionqueues.demo.Demo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code actionqueues demo}: the guided tour, on the embedded backend. */
@Command(name = "demo", description = "Run the guided tour of action queues, deferred jobs and durable sagas,"
        + " on the embedded (in-memory) backend.")
final class DemoCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        Demo.main(new String[0]);
        return 0;
    }
}
