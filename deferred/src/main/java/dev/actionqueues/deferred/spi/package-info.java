/**
 * The backend SPI for deferred jobs: what a queue broker (in memory, Redis, PostgreSQL, SQS) must
 * provide so that {@link dev.actionqueues.deferred.Deferrable} can run jobs through it.
 *
 * <p>A {@link dev.actionqueues.deferred.spi.BackendFactory} creates a
 * {@link dev.actionqueues.deferred.spi.Backend} per group: a main
 * {@link dev.actionqueues.deferred.spi.JobQueue} and an error queue. Payloads are opaque strings
 * (the engine owns the JSON); every state change is one call that a backend makes atomic
 * (push, claim with a lease, complete, release for retry, move to the error queue, replay from it,
 * debounced push). Leases carry a fencing token so that a stale consumer cannot complete, release or
 * dead-letter a job that has since been handed to someone else. Vendor exceptions never cross this
 * boundary: backends wrap them in {@link dev.actionqueues.deferred.BackendException}.
 *
 * <p>Every backend must pass the contract suites in {@code actionqueues-deferred-testkit}
 * ({@code dev.actionqueues.deferred.testkit.JobQueueContract} and {@code DeferrableOverBackendContract}).
 */
package dev.actionqueues.deferred.spi;
