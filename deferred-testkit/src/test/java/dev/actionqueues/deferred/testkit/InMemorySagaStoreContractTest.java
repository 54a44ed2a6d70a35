package dev.actionqueues.deferred.testkit;

import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.SagaStore;
import dev.actionqueues.testkit.FakeTime;
import java.time.Duration;

/** The in-memory saga store passes the saga store contract, on fake time. */
class InMemorySagaStoreContractTest extends SagaStoreContract {

    private final FakeTime time = new FakeTime();
    private final InMemoryBackendFactory factory = InMemoryBackendFactory.create(time);

    @Override
    protected SagaStore createStore(String group) {
        return factory.createBackendForGroup(group).sagaStore();
    }

    @Override
    protected void advance(Duration duration) {
        time.advance(duration);
    }
}
