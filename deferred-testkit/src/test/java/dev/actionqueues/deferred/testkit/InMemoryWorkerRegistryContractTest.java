package dev.actionqueues.deferred.testkit;

import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.testkit.FakeTime;
import java.time.Duration;

/** The in-memory worker registry passes the worker registry contract, on fake time. */
class InMemoryWorkerRegistryContractTest extends WorkerRegistryContract {

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
}
