/**
 * Test support for deferred-jobs backends: {@link dev.actionqueues.deferred.testkit.JobQueueContract},
 * the JUnit 5 suite of the SPI that every backend extends and passes, and
 * {@link dev.actionqueues.deferred.testkit.DeferrableOverBackendContract}, which adds the engine's
 * own tests run over the backend. Backends on an injected clock drive them with
 * {@link dev.actionqueues.testkit.FakeTime}.
 */
package dev.actionqueues.deferred.testkit;
