/**
 * Exception factories: helpers that track an action's retry count and backoff, throwing
 * {@link dev.actionqueues.ActionRetryException} while retries remain and a final exception after.
 * For declarative retries, see {@link dev.actionqueues.retry.RetryPolicy} instead.
 */
package dev.actionqueues.exceptionfactory;
