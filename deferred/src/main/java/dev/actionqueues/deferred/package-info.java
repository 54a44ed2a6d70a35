/**
 * Deferred jobs: call a task later, through a queue, with retries, TTL, debouncing, metadata,
 * events, an error queue and stats. Start with {@link dev.actionqueues.deferred.Deferrable#builder}
 * over a backend (for example
 * {@link dev.actionqueues.deferred.memory.InMemoryBackendFactory}), register tasks, call
 * {@link dev.actionqueues.deferred.TaskHandle#later} in producers, and run jobs with
 * {@link dev.actionqueues.deferred.Deferrable#runOnce()} or a {@link dev.actionqueues.deferred.Worker}.
 * Backend authors implement {@link dev.actionqueues.deferred.spi}.
 */
package dev.actionqueues.deferred;
