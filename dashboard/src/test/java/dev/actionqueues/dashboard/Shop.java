package dev.actionqueues.dashboard;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.RunOutcome;
import dev.actionqueues.deferred.SagaHandle;
import dev.actionqueues.deferred.SagaStepOptions;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.deferred.TaskOptions;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.retry.RetryPolicy;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A group "shop" with three tasks, one attempt each, over any backend; jobs run with {@link #drain()}. */
final class Shop {

    /** A mail job's arguments. */
    record Mail(String to, String body) {
    }

    final Deferrable deferrable;
    final ThroughputRecorder throughput = new ThroughputRecorder();
    final List<String> sent = new CopyOnWriteArrayList<>();
    volatile boolean mailServerUp;
    final TaskHandle<Mail> mail;
    final TaskHandle<String> invoice;
    final TaskHandle<String> report;
    /** A saga "checkout": reserve, then charge (whose refund fails while refundBroken), then ship, which fails. */
    final SagaHandle<String> checkout;
    volatile boolean refundBroken = true;

    Shop(Backend backend) {
        deferrable = Deferrable.builder(backend).listener(throughput).build();
        TaskOptions once = TaskOptions.builder().maxAttempts(1).build();
        mail = deferrable.register("mail.send", Mail.class, once, m -> {
            if (!mailServerUp) {
                throw new IllegalStateException("no mail server for " + m.to());
            }
            sent.add(m.to());
        });
        invoice = deferrable.register("invoice.render", String.class, once, s -> {
            throw new IOException("disk full rendering " + s);
        });
        report = deferrable.register("report.build", String.class, once, s -> { });
        SagaStepOptions noRetry = SagaStepOptions.builder()
                .executeRetry(RetryPolicy.builder().maxAttempts(1).build())
                .compensateRetry(RetryPolicy.builder().maxAttempts(1).build()).build();
        checkout = deferrable.saga("checkout", String.class)
                .step("reserve", (ctx, order) -> { }, (ctx, order) -> { })
                .step("charge", (ctx, order) -> { }, (ctx, order) -> {
                    if (refundBroken) {
                        throw new IllegalStateException("refund API down for " + order);
                    }
                }, noRetry)
                .step("ship", (ctx, order) -> {
                    throw new IllegalStateException("no courier for " + order);
                }, (ctx, order) -> { }, noRetry)
                .register();
    }

    /** Runs every job that is due. */
    void drain() {
        while (deferrable.runOnce().status() != RunOutcome.Status.EMPTY) {
            // next
        }
    }

    void flush(Backend backend) {
        backend.queue().flush();
        backend.errorQueue().flush();
        backend.sagaStore().removeUpdatedBefore("checkout", java.util.Arrays.stream(
                dev.actionqueues.deferred.SagaStatus.values()).map(Enum::name).toList(),
                java.time.Instant.now().plusSeconds(3600), 10_000);
    }
}
