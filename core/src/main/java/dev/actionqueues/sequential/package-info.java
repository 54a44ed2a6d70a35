/**
 * The sequential executor: {@link dev.actionqueues.sequential.SequentialExecutor} runs tasks
 * strictly in order in the background, retrying each with backoff until it succeeds, with an
 * immediate {@code stop()} and a graceful {@code flush()}.
 *
 * <p>This package is a Java port of the Go library {@code sequent}.
 */
package dev.actionqueues.sequential;
