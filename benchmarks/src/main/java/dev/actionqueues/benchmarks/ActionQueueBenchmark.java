package dev.actionqueues.benchmarks;

import dev.actionqueues.Action;
import dev.actionqueues.ActionQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@code ActionQueue.execute()} over N no-op actions against a plain loop calling the same actions
 * (the limit). Both include building the work list: the queue is single-use, so a fresh queue is
 * part of the cost a user pays, and the loop gets the same array ready. Goal: at N = 1000 the queue
 * takes under 2x the loop.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ActionQueueBenchmark {

    @Param({"1", "10", "1000"})
    public int n;

    private Action[] actions;

    /** A no-op action that the JIT cannot remove: it bumps a counter the blackhole consumes. */
    static final class Counting implements Action {
        long count;

        @Override
        public void execute() {
            count++;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        actions = new Action[n];
        for (int i = 0; i < n; i++) {
            actions[i] = new Counting();
        }
    }

    @Benchmark
    public void plainLoop(Blackhole bh) throws Exception {
        Action[] copy = actions.clone();
        for (Action a : copy) {
            a.execute();
        }
        bh.consume(copy);
    }

    @Benchmark
    public void actionQueue(Blackhole bh) {
        ActionQueue q = new ActionQueue();
        for (Action a : actions) {
            q.add(a);
        }
        q.execute();
        bh.consume(q);
    }

    @Benchmark
    public void actionQueueExecuteOnly(QueueState state, Blackhole bh) {
        state.queue.execute();
        bh.consume(state.queue);
    }

    /** A queue built before the measured call, so only execute() is timed. */
    @State(Scope.Thread)
    public static class QueueState {
        ActionQueue queue;

        @Setup(Level.Invocation)
        public void build(ActionQueueBenchmark outer) {
            queue = new ActionQueue();
            for (Action a : outer.actions) {
                queue.add(a);
            }
        }
    }
}
