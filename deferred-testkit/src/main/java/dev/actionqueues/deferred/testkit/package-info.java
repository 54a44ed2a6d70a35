/**
 * Test support for deferred-jobs backends: {@link dev.actionqueues.deferred.testkit.JobQueueContract},
 * the JUnit 5 suite every backend extends and passes. Backends on an injected clock drive it with
 * {@link dev.actionqueues.testkit.FakeTime}.
 */
package dev.actionqueues.deferred.testkit;
