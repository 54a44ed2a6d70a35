package dev.actionqueues.redis;

import dev.actionqueues.deferred.testkit.DeferrableOverBackendContract;
import java.time.Duration;

/**
 * The backend contracts (the SPI, and the engine over it) for Redis: leases and delays run on the
 * Redis server's clock, which a test cannot move, so "letting time pass" really waits, on a short
 * tick to keep the suite fast.
 */
abstract class RealTimeContract extends DeferrableOverBackendContract {

    @Override
    protected void advance(Duration duration) throws InterruptedException {
        Thread.sleep(duration); // the server's clock, not ours: there is nothing to inject
    }

    @Override
    protected Duration tick() {
        return Duration.ofMillis(200);
    }
}
