package dev.actionqueues.deferred;

import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.testkit.FakeTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory backend on fake time, wrapped in a {@link RecordingQueue}, and the events seen. */
final class Fixture {

    final FakeTime time = new FakeTime();
    final Backend memory = InMemoryBackendFactory.create(time).createBackendForGroup("test");
    final RecordingQueue queue = new RecordingQueue(memory.queue());
    final Backend backend = new Backend("test", queue, memory.errorQueue(), memory.sagaStore());
    final List<JobEvent> events = new CopyOnWriteArrayList<>();

    Deferrable.Builder builder() {
        return Deferrable.builder(backend).clock(time).sleeper(time).hostName("test-host").listener(events::add);
    }

    Deferrable deferrable() {
        return builder().build();
    }

    List<EventType> eventTypes() {
        return events.stream().map(JobEvent::type).toList();
    }

    List<EventType> takeEventTypes() {
        List<EventType> types = eventTypes();
        events.clear();
        return types;
    }
}
