/**
 * Test support: {@link dev.actionqueues.testkit.FakeTime}, a clock and sleeper that tests move by
 * hand, and {@link dev.actionqueues.testkit.JobQueueContract}, the JUnit 5 suite every
 * deferred-jobs backend extends and passes.
 */
package dev.actionqueues.testkit;
