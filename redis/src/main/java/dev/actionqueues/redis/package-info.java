/**
 * The Redis backend: {@link dev.actionqueues.redis.RedisBackendFactory} makes at-least-once job
 * queues on Redis (standalone or Cluster) for the deferred-jobs engine.
 */
package dev.actionqueues.redis;
