/**
 * The sequential executor: {@link dev.actionqueues.sequential.SequentialExecutor} runs tasks
 * strictly in order in the background, retrying each with backoff until it succeeds, with an
 * immediate {@code stop()} and a graceful {@code flush()}.
 */
package dev.actionqueues.sequential;
