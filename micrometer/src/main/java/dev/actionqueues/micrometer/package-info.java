/**
 * Micrometer meters for actionqueues, bound through the engines' own listeners, so no engine code
 * knows Micrometer: {@link dev.actionqueues.micrometer.DeferrableMetrics} for deferred jobs and
 * durable sagas (a {@code DeferrableListener}), {@link dev.actionqueues.micrometer.ActionQueueMetrics}
 * for action queues and {@link dev.actionqueues.micrometer.SequentialExecutorMetrics} for the
 * sequential executor. Each is a {@code MeterBinder}: bind it to a registry, then hand it to the
 * engine's builder as its listener. The meter names are in {@link dev.actionqueues.micrometer.MeterNames};
 * tags are low-cardinality only (group, task, saga and step names, outcomes), never a job id or
 * arguments.
 */
package dev.actionqueues.micrometer;
