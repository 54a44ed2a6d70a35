/**
 * The in-memory backend: {@link dev.actionqueues.deferred.memory.InMemoryBackendFactory}. Jobs,
 * leases, delays and debounce state live in the JVM's heap; leases, redelivery and debouncing
 * work across the threads of one process. <strong>Every job is lost when the JVM stops or
 * dies</strong>: use it for tests, demos and work that may be dropped, and a broker-backed backend
 * for anything else.
 */
package dev.actionqueues.deferred.memory;
