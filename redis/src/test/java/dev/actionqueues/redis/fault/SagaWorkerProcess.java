package dev.actionqueues.redis.fault;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.SagaBuilder;
import dev.actionqueues.deferred.SagaContext;
import dev.actionqueues.deferred.SagaHandle;
import dev.actionqueues.deferred.SagaStepOptions;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.redis.RedisBackendFactory;
import dev.actionqueues.retry.RetryPolicy;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The worker JVM of the saga crash tests: the 4-step saga "four" on the Redis backend, run by a
 * one-thread {@link Worker}. Every step direction records its idempotency key in an effects ledger
 * (as an idempotent remote API would, one line per call, so repeats can be counted). A saga's
 * arguments say where its first runner dies: {@code exec-before:<step>} and
 * {@code comp-before:<step>} halt the JVM before that effect, {@code exec-after:<step>} and
 * {@code comp-after:<step>} after it (before the journal records it), once per saga (a marker file
 * says it happened); {@code pause-after:<step>} sleeps 3 s after the execute's effect instead, for
 * the test to SIGSTOP the JVM inside the step.
 * Args: redis uri, prefix, group, ledger file, marker directory, lease ms[, concurrency].
 */
public final class SagaWorkerProcess {

    /** A saga's arguments: where it dies, and whether its last step fails for good. */
    public record Four(String killAt, boolean failLast) {
    }

    /** What one step direction does. */
    @FunctionalInterface
    public interface Effects {
        void run(String direction, String step, SagaContext ctx, Four four) throws Exception;
    }

    public static final String[] STEPS = {"s1", "s2", "s3", "s4"};

    private SagaWorkerProcess() {
    }

    public static void main(String[] args) throws Exception {
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (System.in.read() != -1) {
                    Thread.onSpinWait();
                }
            } catch (IOException e) {
                // stdin is gone either way
            }
            Runtime.getRuntime().halt(0);
        });
        RedisBackendFactory factory = RedisBackendFactory.builder().uri(args[0]).keyPrefix(args[1]).build();
        Deferrable deferrable = Deferrable.builder(factory.createBackendForGroup(args[2])).build();
        Ledger ledger = new Ledger(Path.of(args[3]));
        Path markers = Path.of(args[4]);
        Duration lease = Duration.ofMillis(Long.parseLong(args[5]));
        register(deferrable, lease, (direction, step, ctx, four) -> {
            if (four.killAt().equals(direction + "-before:" + step) && firstTime(markers, ctx.sagaId())) {
                Runtime.getRuntime().halt(9);
            }
            if (direction.equals("exec") && four.failLast() && step.equals("s4")) {
                throw new IllegalStateException("s4 fails for good");
            }
            ledger.record(ctx.idempotencyKey());
            if (four.killAt().equals(direction + "-after:" + step) && firstTime(markers, ctx.sagaId())) {
                Runtime.getRuntime().halt(9);
            }
            if (four.killAt().equals("pause-after:" + step) && direction.equals("exec")
                    && firstTime(markers, ctx.sagaId())) {
                Thread.sleep(3000);
            }
        });
        int concurrency = args.length > 6 ? Integer.parseInt(args[6]) : 1;
        Worker.builder(deferrable).concurrency(concurrency).leaseDuration(lease).build().start();
        System.out.println("saga worker started");
        Thread.currentThread().join();
    }

    /** The saga as the test (which only starts sagas) and the worker register it. */
    public static SagaHandle<Four> register(Deferrable deferrable, Duration lease, Effects effects) {
        SagaStepOptions options = SagaStepOptions.builder().timeout(Duration.ofSeconds(30))
                .executeRetry(RetryPolicy.builder().maxAttempts(1).build())
                .compensateRetry(RetryPolicy.builder().maxAttempts(5).backoff(f -> Duration.ofMillis(100)).build())
                .build();
        SagaBuilder<Four> saga = deferrable.saga("four", Four.class).lease(lease);
        for (String step : STEPS) {
            saga.step(step, (ctx, four) -> effects.run("exec", step, ctx, four),
                    (ctx, four) -> effects.run("comp", step, ctx, four), options);
        }
        return saga.register();
    }

    /** Whether this is the first time the saga reaches its kill point (creates its marker file). */
    static boolean firstTime(Path markers, String sagaId) {
        try {
            Files.createFile(markers.resolve(sagaId.replace(':', '_')));
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
