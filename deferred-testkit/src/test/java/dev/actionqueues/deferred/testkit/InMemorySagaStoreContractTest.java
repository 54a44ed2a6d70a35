package dev.actionqueues.deferred.testkit;

import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.testkit.FakeTime;
import java.time.Duration;
import java.time.InstantSource;

/** The in-memory saga store passes the saga store contract, on fake time. */
class InMemorySagaStoreContractTest extends SagaStoreContract {

    private final FakeTime time = new FakeTime();
    private final InMemoryBackendFactory factory = InMemoryBackendFactory.create(time);

    @Override
    protected Backend createBackend(String group) {
        return factory.createBackendForGroup(group);
    }

    @Override
    protected InstantSource clock() {
        return time;
    }

    @Override
    protected void advance(Duration duration) {
        time.advance(duration);
    }
}
