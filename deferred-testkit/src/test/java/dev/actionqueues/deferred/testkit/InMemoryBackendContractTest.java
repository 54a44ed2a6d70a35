package dev.actionqueues.deferred.testkit;

import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.testkit.FakeTime;
import java.time.Duration;
import java.time.InstantSource;

/** The in-memory backend passes both contracts, on fake time. */
class InMemoryBackendContractTest extends DeferrableOverBackendContract {

    private final FakeTime time = new FakeTime();
    private final InMemoryBackendFactory factory = InMemoryBackendFactory.create(time);

    @Override
    protected Backend createBackend(String group) {
        return factory.createBackendForGroup(group);
    }

    @Override
    protected void advance(Duration duration) {
        time.advance(duration);
    }

    @Override
    protected InstantSource clock() {
        return time;
    }
}
