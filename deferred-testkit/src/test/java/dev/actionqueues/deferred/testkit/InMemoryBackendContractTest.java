package dev.actionqueues.deferred.testkit;

import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.testkit.FakeTime;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterEach;

/**
 * The in-memory backend passes both contracts, on fake time, and its queues' structures hold their
 * invariants after every test.
 */
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

    /**
     * Checks both queues' invariants as each test leaves them, as Caffeine's
     * {@code CacheValidationInterceptor} does: JUnit runs a subclass's {@code @AfterEach} before
     * the contract's, which flushes the queues. The check, {@code InMemoryJobQueue.checkInvariants()}
     * (see {@code QueueState.checkInvariants()}), is package-private and reached by reflection, so
     * that the product has no public method for tests only. Should it be renamed or removed, every
     * test here fails instead of passing unchecked.
     */
    @AfterEach
    void queuesStillHoldTheirInvariants() throws Exception {
        checkInvariants(queue);
        checkInvariants(errors);
    }

    private static void checkInvariants(JobQueue q) throws Exception {
        Method check = q.getClass().getDeclaredMethod("checkInvariants");
        check.setAccessible(true);
        try {
            check.invoke(q);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException broken) {
                throw broken;
            }
            throw e;
        }
    }
}
