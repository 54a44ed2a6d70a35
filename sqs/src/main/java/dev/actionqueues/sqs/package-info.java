/**
 * The Amazon SQS backend: {@link dev.actionqueues.sqs.SqsBackendFactory} makes at-least-once job
 * queues on SQS standard queues for the deferred-jobs engine, with visibility-timeout leases that the
 * worker extends while a job runs, delays beyond SQS's 15 minutes, and an error queue that the
 * library fills itself, with the error attached.
 */
package dev.actionqueues.sqs;
