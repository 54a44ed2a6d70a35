/**
 * Exception factories: helpers that track an action's retry count and backoff, throwing
 * {@link dev.actionqueues.ActionRetryException} while retries remain and a final exception after.
 * For declarative retries, see {@link dev.actionqueues.retry.RetryPolicy} instead.
 *
 * <p>This package ports the exception factories of the Python library {@code actionqueues}.
 */
package dev.actionqueues.exceptionfactory;
