/**
 * Deferred jobs: call a task later, through a queue, with retries, TTL, debouncing, metadata,
 * events, an error queue and stats. Start with {@link dev.actionqueues.deferred.Deferrable#builder}
 * over a backend (for example
 * {@link dev.actionqueues.deferred.memory.InMemoryBackendFactory}), register tasks, call
 * {@link dev.actionqueues.deferred.TaskHandle#later} in producers, and run jobs with
 * {@link dev.actionqueues.deferred.Deferrable#runOnce()} or a {@link dev.actionqueues.deferred.Worker}.
 * Backend authors implement {@link dev.actionqueues.deferred.spi}.
 *
 * <p>This is a Java port of the Python library {@code deferrable} (PyPI): its job fields,
 * events, retry defaults and debounce modes, with JSON payloads under registered task names in
 * place of pickles, leases with fencing tokens so that in-flight jobs are not lost, and debouncing
 * that never loses a call made while a run has started.
 */
package dev.actionqueues.deferred;
