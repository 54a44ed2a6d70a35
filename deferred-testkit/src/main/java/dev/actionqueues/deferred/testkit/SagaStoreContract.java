package dev.actionqueues.deferred.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.SagaFailedException;
import dev.actionqueues.deferred.SagaHandle;
import dev.actionqueues.deferred.SagaStatus;
import dev.actionqueues.deferred.SagaStep;
import dev.actionqueues.deferred.SagaStepOptions;
import dev.actionqueues.deferred.SagaView;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.SagaRecord;
import dev.actionqueues.deferred.spi.SagaStore;
import dev.actionqueues.retry.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link SagaStore}, which every backend that keeps durable sagas passes: create
 * once, one lease holder at a time with growing tokens, stale writes rejected, leases that run out,
 * the cancel flag, listing and retention. A backend's test extends it and supplies the store and
 * the passing of time.
 *
 * <p>Not thread-safe (one instance per test, as JUnit makes them).
 */
public abstract class SagaStoreContract {

    /** The backend under test, for a fresh group; set before each test. */
    protected Backend backend;
    /** Its saga store. */
    protected SagaStore store;

    /**
     * A backend for {@code group} whose saga store is empty.
     *
     * @param group a fresh group name of letters, digits and {@code _}
     * @return the backend, with a saga store
     */
    protected abstract Backend createBackend(String group);

    /**
     * Lets {@code duration} pass on the store's clock.
     *
     * @param duration how long
     * @throws InterruptedException if interrupted while waiting
     */
    protected abstract void advance(Duration duration) throws InterruptedException;

    /**
     * The clock of the store, for the Deferrable of the end-to-end test (its retention is measured
     * against the store's times).
     *
     * @return the system clock unless overridden
     */
    protected InstantSource clock() {
        return InstantSource.system();
    }

    /**
     * The unit of the suite's leases.
     *
     * @return one second unless overridden
     */
    protected Duration tick() {
        return Duration.ofSeconds(1);
    }

    @BeforeEach
    void createStore() {
        backend = createBackend("sagas_" + UUID.randomUUID().toString().replace("-", ""));
        store = backend.sagaStore();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }

    @Test
    void aSagaIsCreatedOnceAndReadBackExactly() {
        String id = id();
        assertThat(store.create(id, "sign-up", "RUNNING", "{\"a\":\"\u00e9 \ud83d\ude00\"}")).isTrue();
        assertThat(store.create(id, "other", "SUCCEEDED", "{}")).isFalse();

        SagaRecord r = store.find(id).orElseThrow();
        assertThat(r.name()).isEqualTo("sign-up");
        assertThat(r.status()).isEqualTo("RUNNING");
        assertThat(r.journal()).isEqualTo("{\"a\":\"\u00e9 \ud83d\ude00\"}");
        assertThat(r.cancelRequested()).isFalse();
        assertThat(store.find(id())).isEmpty();
    }

    @Test
    void oneHolderAtATimeAndEachLeaseHasAGreaterToken() throws InterruptedException {
        String id = id();
        store.create(id, "s", "RUNNING", "{}");

        SagaRecord first = store.acquire(id, tick().multipliedBy(100)).orElseThrow();
        assertThat(store.acquire(id, tick().multipliedBy(100))).isEmpty();
        store.release(id, first.token());
        SagaRecord second = store.acquire(id, tick().multipliedBy(100)).orElseThrow();

        assertThat(second.token()).isGreaterThan(first.token());
        assertThat(store.acquire(id(), tick())).isEmpty();
    }

    @Test
    void theHolderWritesAndExtendsItsLeaseAndAStaleHolderIsRejected() throws InterruptedException {
        String id = id();
        store.create(id, "s", "RUNNING", "{\"v\":0}");
        SagaRecord stale = store.acquire(id, tick()).orElseThrow();
        advance(tick().multipliedBy(2));
        SagaRecord current = store.acquire(id, tick().multipliedBy(100)).orElseThrow();

        assertThat(store.update(id, stale.token(), "SUCCEEDED", "{\"v\":1}", tick())).isEqualTo(SagaStore.Write.STALE);
        assertThat(store.update(id, current.token(), "COMPENSATING", "{\"v\":2}", tick().multipliedBy(100)))
                .isEqualTo(SagaStore.Write.WRITTEN);
        store.release(id, stale.token());

        SagaRecord now = store.find(id).orElseThrow();
        assertThat(now.status()).isEqualTo("COMPENSATING");
        assertThat(now.journal()).isEqualTo("{\"v\":2}");
        // The stale release changed nothing: the current holder still holds it.
        assertThat(store.acquire(id, tick())).isEmpty();
    }

    @Test
    void aLeaseThatRanOutCanBeTakenAndAReleasedOneAtOnce() throws InterruptedException {
        String id = id();
        store.create(id, "s", "RUNNING", "{}");
        store.acquire(id, tick()).orElseThrow();
        advance(tick().multipliedBy(2));

        SagaRecord taken = store.acquire(id, tick().multipliedBy(100)).orElseThrow();
        store.release(id, taken.token());

        assertThat(store.acquire(id, tick())).isPresent();
    }

    @Test
    void aWriteWithAZeroLeaseReleasesTheSagaInTheSameStep() {
        String id = id();
        store.create(id, "s", "RUNNING", "{}");
        SagaRecord held = store.acquire(id, tick().multipliedBy(100)).orElseThrow();

        assertThat(store.update(id, held.token(), "SUCCEEDED", "{\"done\":true}", Duration.ZERO))
                .isEqualTo(SagaStore.Write.WRITTEN);

        assertThat(store.find(id).orElseThrow().status()).isEqualTo("SUCCEEDED");
        assertThat(store.acquire(id, tick())).isPresent();
        assertThat(store.update(id, held.token(), "RUNNING", "{}", tick())).isEqualTo(SagaStore.Write.STALE);
    }

    @Test
    void concurrentAcquiresGrantOneLease() throws InterruptedException {
        String id = id();
        store.create(id, "s", "RUNNING", "{}");
        AtomicInteger granted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                if (store.acquire(id, tick().multipliedBy(100)).isPresent()) {
                    granted.incrementAndGet();
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(granted).hasValue(1);
    }

    @Test
    void theCancelFlagIsSeenByFindAcquireAndTheCheapRead() {
        String id = id();
        store.create(id, "s", "RUNNING", "{}");
        assertThat(store.cancelRequested(id)).isFalse();

        assertThat(store.requestCancel(id)).isTrue();

        assertThat(store.cancelRequested(id)).isTrue();
        assertThat(store.find(id).orElseThrow().cancelRequested()).isTrue();
        SagaRecord held = store.acquire(id, tick().multipliedBy(100)).orElseThrow();
        assertThat(held.cancelRequested()).isTrue();
        assertThat(store.update(id, held.token(), "COMPENSATING", "{}", tick().multipliedBy(100)))
                .isEqualTo(SagaStore.Write.WRITTEN_CANCEL_REQUESTED);
        assertThat(store.requestCancel(id())).isFalse();
        assertThat(store.cancelRequested(id())).isFalse();
    }

    @Test
    void listFiltersByStatusAndPagesMostRecentFirst() throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = "saga-" + i;
            ids.add(id);
            store.create(id, "s", i % 2 == 0 ? "RUNNING" : "SUCCEEDED", "{}");
            advance(tick().dividedBy(10));
        }

        assertThat(store.list(null, 0, 10)).extracting(SagaRecord::id)
                .containsExactly("saga-4", "saga-3", "saga-2", "saga-1", "saga-0");
        assertThat(store.list("RUNNING", 0, 10)).extracting(SagaRecord::id)
                .containsExactly("saga-4", "saga-2", "saga-0");
        assertThat(store.list(null, 1, 2)).extracting(SagaRecord::id).containsExactly("saga-3", "saga-2");
        assertThat(store.list("CANCELLED", 0, 10)).isEmpty();
    }

    @Test
    void endedSagasUpdatedBeforeTheCutoffAreRemovedByNameAndStatus() throws InterruptedException {
        store.create("old-done", "s", "SUCCEEDED", "{}");
        store.create("old-running", "s", "RUNNING", "{}");
        store.create("old-other", "t", "SUCCEEDED", "{}");
        advance(tick().multipliedBy(3));
        Instant cutoff = store.find("old-done").orElseThrow().updatedAt().plus(tick());
        store.create("new-done", "s", "SUCCEEDED", "{}");

        int removed = store.removeUpdatedBefore("s", List.of("SUCCEEDED", "CANCELLED"), cutoff, 100);

        assertThat(removed).isEqualTo(1);
        Set<String> left = ConcurrentHashMap.newKeySet();
        store.list(null, 0, 10).forEach(r -> left.add(r.id()));
        assertThat(left).containsExactlyInAnyOrder("old-running", "old-other", "new-done");
        Optional<SagaRecord> gone = store.find("old-done");
        assertThat(gone).isEmpty();
    }

    /** The arguments of the end-to-end saga. */
    public record Order(String id) {
    }

    @Test
    void aSagaRunsToTheEndAndAFailingOneIsCompensatedThroughTheStore() {
        List<String> effects = new java.util.concurrent.CopyOnWriteArrayList<>();
        Deferrable d = Deferrable.builder(backend).clock(clock()).build();
        SagaStepOptions once = SagaStepOptions.builder().executeRetry(RetryPolicy.builder().maxAttempts(1).build())
                .build();
        SagaHandle<Order> ok = d.saga("place", Order.class)
                .step("reserve", (ctx, o) -> effects.add("reserve " + o.id()), (ctx, o) -> effects.add("free " + o.id()))
                .step("charge", (ctx, o) -> effects.add("charge " + o.id()), SagaStep.nothing())
                .register();
        SagaHandle<Order> failing = d.saga("place-failing", Order.class)
                .step("reserve", (ctx, o) -> effects.add("reserve " + o.id()), (ctx, o) -> effects.add("free " + o.id()))
                .step("charge", (ctx, o) -> {
                    throw new IllegalStateException("card declined");
                }, SagaStep.nothing(), once)
                .register();

        SagaView done = ok.run(new Order("o1"));
        assertThatThrownBy(() -> failing.run(new Order("o2"))).isInstanceOfSatisfying(SagaFailedException.class,
                e -> assertThat(e.saga().status()).isEqualTo(SagaStatus.COMPENSATED));

        assertThat(done.status()).isEqualTo(SagaStatus.SUCCEEDED);
        assertThat(effects).containsExactly("reserve o1", "charge o1", "reserve o2", "free o2");
        assertThat(d.sagas().list(null, 0, 10)).extracting(SagaView::status)
                .containsExactlyInAnyOrder(SagaStatus.SUCCEEDED, SagaStatus.COMPENSATED);
        assertThat(d.sagas().find(done.id())).contains(done);
    }
}
