package dev.actionqueues.spring.autoconfigure;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.DeferrableStats;
import dev.actionqueues.spring.ActionQueuesWorker;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of deferred jobs: UP when the backend answers a stats read and the worker, if this
 * application has one, is running; DOWN otherwise. Details: the group, the job counts
 * ({@code waiting}, {@code inFlight}, {@code delayed}, {@code errors}) and the worker's state
 * ({@code running}, {@code stopped} or {@code disabled}). Each check reads the backend once.
 * Thread-safe.
 */
public final class ActionQueuesHealthIndicator implements HealthIndicator {

    private final Deferrable deferrable;
    private final ActionQueuesWorker worker;

    /**
     * A health indicator over a Deferrable and its worker.
     *
     * @param deferrable the Deferrable whose backend is checked
     * @param worker the worker, or null if this application runs none
     * @throws NullPointerException if {@code deferrable} is null
     */
    public ActionQueuesHealthIndicator(Deferrable deferrable, ActionQueuesWorker worker) {
        this.deferrable = Objects.requireNonNull(deferrable, "deferrable");
        this.worker = worker;
    }

    @Override
    public Health health() {
        Health.Builder builder;
        String workerState = worker == null ? "disabled" : worker.isRunning() ? "running" : "stopped";
        try {
            DeferrableStats stats = deferrable.stats();
            builder = worker == null || worker.isRunning() ? Health.up() : Health.down();
            builder.withDetail("waiting", stats.available())
                    .withDetail("inFlight", stats.inFlight())
                    .withDetail("delayed", stats.delayed())
                    .withDetail("errors", stats.errors());
        } catch (RuntimeException e) {
            builder = Health.down(e);
        }
        return builder.withDetail("group", deferrable.admin().group()).withDetail("worker", workerState).build();
    }
}
