package dev.actionqueues.benchmarks;

import dev.actionqueues.sequential.SequentialExecutor;
import dev.actionqueues.sequential.Task;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-task overhead of scheduling and running 100,000 tasks that succeed at once: a
 * {@link SequentialExecutor} against a single-thread {@link ExecutorService} running the same work
 * (the limit). Each invocation creates the executor, submits every task from the benchmark thread
 * and waits for all of them (flush / shutdown + awaitTermination). Goal: within 2x.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SequentialExecutorBenchmark {

    static final int TASKS = 100_000;

    private final LongAdder counter = new LongAdder();

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long singleThreadExecutorService() throws InterruptedException {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        Runnable task = counter::increment;
        for (int i = 0; i < TASKS; i++) {
            executor.execute(task);
        }
        executor.shutdown();
        executor.awaitTermination(1, TimeUnit.MINUTES);
        return counter.sum();
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long sequentialExecutor() throws InterruptedException {
        SequentialExecutor executor = new SequentialExecutor();
        executor.start();
        Task task = () -> {
            counter.increment();
            return true;
        };
        for (int i = 0; i < TASKS; i++) {
            executor.schedule(task);
        }
        executor.flush();
        return counter.sum();
    }
}
