/**
 * Test support for users of actionqueues: {@link dev.actionqueues.testkit.FakeTime}, a clock,
 * ticker and sleeper that tests move by hand. Depends on {@code actionqueues-core} only. The
 * contract suite for deferred-jobs backends is in {@code actionqueues-deferred-testkit}
 * ({@code dev.actionqueues.deferred.testkit}).
 */
package dev.actionqueues.testkit;
