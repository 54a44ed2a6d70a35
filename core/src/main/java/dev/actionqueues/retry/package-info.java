/**
 * The retry toolkit shared by action queues, deferred jobs and the sequential executor: a pure
 * {@link dev.actionqueues.retry.Backoff} (failure count to delay), a pure
 * {@link dev.actionqueues.retry.RetryPolicy} (failure to decision) and an injectable
 * {@link dev.actionqueues.retry.Sleeper}, so that deciding what happens next is separate from
 * waiting for it and every wait can be observed on fake time in tests.
 *
 * <p>This package ports no library: it is the common ground of the ported ones (see
 * {@link dev.actionqueues} and {@link dev.actionqueues.sequential}).
 */
package dev.actionqueues.retry;
