package dev.actionqueues.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.BackendException;
import dev.actionqueues.redis.testing.BlockedClients;
import dev.actionqueues.redis.testing.SharedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The idle wait, blocking on the machine's Redis under a unique prefix. The waiter's connections carry a
 * client name of their own, so a test waits until {@code CLIENT LIST} shows one blocked in BLMOVE instead of
 * sleeping. Every wait asked for is far longer than the test allows, so a wait that ends in time was woken.
 */
class IdleWaiterTest {

    private static final String PREFIX = "aqidle-" + UUID.randomUUID().toString().substring(0, 8);
    private static final long LONG_WAIT = TimeUnit.SECONDS.toNanos(60);
    private static RedisClient rawClient;
    private static StatefulRedisConnection<String, String> raw;
    private static RedisClient namedClient;

    private String ready;
    private final AtomicInteger connections = new AtomicInteger();
    private IdleWaiter waiter;
    private final List<Thread> threads = new ArrayList<>();

    @BeforeAll
    static void connect() {
        rawClient = RedisClient.create(SharedRedis.require());
        raw = rawClient.connect();
        namedClient = RedisClient.create(BlockedClients.named(SharedRedis.url(), PREFIX));
    }

    @AfterAll
    static void cleanUp() {
        if (raw != null) {
            List<String> keys = raw.sync().keys(PREFIX + ":*");
            if (!keys.isEmpty()) {
                raw.sync().del(keys.toArray(String[]::new));
            }
            raw.close();
            rawClient.shutdown();
            namedClient.shutdown();
        }
    }

    @BeforeEach
    void setUp() {
        ready = PREFIX + ":{g" + UUID.randomUUID().toString().substring(0, 8) + "}:q:ready";
        waiter = newWaiter(() -> RedisOps.of(namedClient.connect()));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        waiter.close();
        for (Thread t : threads) {
            t.interrupt();
            t.join(10_000);
        }
    }

    private IdleWaiter newWaiter(Supplier<RedisOps> connect) {
        return new IdleWaiter(ready, () -> {
            connections.incrementAndGet();
            return connect.get();
        });
    }

    /** Starts a thread that waits; the future holds what the wait threw, or null if it returned. */
    private CompletableFuture<Throwable> startWaiting(long nanos) {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        threads.add(Thread.ofPlatform().start(() -> {
            try {
                waiter.await(nanos);
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        }));
        return outcome;
    }

    private Thread lastThread() {
        return threads.getLast();
    }

    private long blocked() {
        return BlockedClients.inBlmove(raw.sync().clientList(), PREFIX);
    }

    private void awaitBlockedOnRedis() {
        await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10)).until(() -> blocked() == 1);
    }

    private static void awaitParked(Thread t) {
        await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10))
                .until(() -> t.getState() == Thread.State.TIMED_WAITING);
    }

    @Test
    void aWaitEndsAsSoonAsTheListGetsAnEntryAndLeavesTheListAsItWas() throws Exception {
        CompletableFuture<Throwable> outcome = startWaiting(LONG_WAIT);
        awaitBlockedOnRedis();
        raw.sync().lpush(ready, "job");
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(raw.sync().lrange(ready, 0, -1)).containsExactly("job");
        assertThat(blocked()).isZero();
    }

    @Test
    void aWaitOnANonEmptyListReturnsAtOnce() throws Exception {
        raw.sync().lpush(ready, "job");
        assertThat(startWaiting(LONG_WAIT).get(10, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void aWaitReturnsAfterItsTimeWhenNothingArrives() throws Exception {
        long start = System.nanoTime();
        waiter.await(TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
    }

    @Test
    void aWaitLastsNoLongerThanTheTimeToTheNextEvent() throws Exception {
        waiter.nextEvent(Optional.of(Duration.ofMillis(200)));
        assertThat(startWaiting(LONG_WAIT).get(10, TimeUnit.SECONDS)).isNull();

        waiter.nextEvent(Optional.empty());
        CompletableFuture<Throwable> unbounded = startWaiting(LONG_WAIT);
        awaitBlockedOnRedis();
        assertThat(unbounded).isNotDone();
        raw.sync().lpush(ready, "job");
        assertThat(unbounded.get(10, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void oneThreadBlocksOnRedisTheOthersWaitLocallyAndAllWakeTogether() throws Exception {
        List<CompletableFuture<Throwable>> outcomes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            outcomes.add(startWaiting(LONG_WAIT));
        }
        awaitBlockedOnRedis();
        threads.forEach(IdleWaiterTest::awaitParked);
        assertThat(blocked()).isEqualTo(1);
        assertThat(connections).hasValue(1);
        assertThat(outcomes).noneMatch(CompletableFuture::isDone);
        raw.sync().lpush(ready, "job");
        for (CompletableFuture<Throwable> o : outcomes) {
            assertThat(o.get(10, TimeUnit.SECONDS)).isNull();
        }
        assertThat(connections).hasValue(1);
    }

    @Test
    void interruptingTheThreadBlockedOnRedisThrowsInterruptedExceptionAndFreesTheOthers() throws Exception {
        CompletableFuture<Throwable> blocker = startWaiting(LONG_WAIT);
        Thread blockerThread = lastThread();
        awaitBlockedOnRedis();
        CompletableFuture<Throwable> follower = startWaiting(LONG_WAIT);
        awaitParked(lastThread());
        blockerThread.interrupt();
        assertThat(blocker.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class)
                .hasMessage("interrupted while waiting for a job");
        assertThat(follower.get(10, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void interruptingAThreadWaitingLocallyThrowsInterruptedExceptionAndLeavesTheBlockerWaiting() throws Exception {
        CompletableFuture<Throwable> blocker = startWaiting(LONG_WAIT);
        awaitBlockedOnRedis();
        CompletableFuture<Throwable> follower = startWaiting(LONG_WAIT);
        awaitParked(lastThread());
        lastThread().interrupt();
        assertThat(follower.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(blocked()).isEqualTo(1);
        assertThat(blocker).isNotDone();
        raw.sync().lpush(ready, "job");
        assertThat(blocker.get(10, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void aThreadInterruptedBeforeWaitingThrowsAtOnce() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> waiter.await(LONG_WAIT)).isInstanceOf(InterruptedException.class);
            assertThat(connections).hasValue(0);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void closeWakesTheThreadsWaitingLocallyAndFailsTheWaitOnRedis() throws Exception {
        CompletableFuture<Throwable> blocker = startWaiting(LONG_WAIT);
        awaitBlockedOnRedis();
        CompletableFuture<Throwable> follower = startWaiting(LONG_WAIT);
        awaitParked(lastThread());
        waiter.close();
        assertThat(waiter.isClosed()).isTrue();
        assertThat(follower.get(10, TimeUnit.SECONDS)).isNull();
        // Closing the connection ends the wait on Redis: the blocked thread fails, as the close() Javadoc says.
        assertThat(blocker.get(10, TimeUnit.SECONDS)).isInstanceOf(BackendException.class)
                .hasMessageStartingWith("Redis wait failed");
        await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10)).until(() -> blocked() == 0);
    }

    @Test
    void aWaitAfterCloseReturnsAtOnceAndOpensNoConnection() throws Exception {
        // Before the fix it opened a blocking connection that nothing closed, and waited on it.
        waiter.close();
        assertThat(startWaiting(LONG_WAIT).get(10, TimeUnit.SECONDS)).isNull();
        assertThat(connections).hasValue(0);
    }

    @Test
    void aConnectionOpenedWhileTheWaiterClosesIsClosedAndNotWaitedOn() throws Exception {
        // Before the fix the wait went on to block on the connection that close() then closed under it.
        List<StatefulRedisConnection<String, String>> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread[] closer = new Thread[1];
        waiter = newWaiter(() -> {
            StatefulRedisConnection<String, String> c = namedClient.connect();
            opened.add(c);
            closer[0] = Thread.ofPlatform().start(waiter::close); // blocks until the connect is over
            await().atMost(10, TimeUnit.SECONDS).until(waiter::isClosed);
            return RedisOps.of(c);
        });
        assertThat(startWaiting(LONG_WAIT).get(10, TimeUnit.SECONDS)).isNull();
        closer[0].join(10_000);
        assertThat(opened).singleElement().satisfies(c -> assertThat(c.isOpen()).isFalse());
        assertThat(blocked()).isZero();
    }

    @Test
    void anInterruptWhileConnectingBecomesAnInterruptedException() throws Exception {
        waiter = newWaiter(() -> {
            throw new RedisConnectionException("connecting", new InterruptedException());
        });
        assertThatThrownBy(() -> waiter.await(LONG_WAIT)).isInstanceOf(InterruptedException.class)
                .hasMessage("interrupted while connecting to wait for a job");
        assertThat(Thread.interrupted()).isTrue();
    }

    @Test
    void aFailedConnectIsABackendExceptionAndTheNextWaitTriesAgain() {
        waiter = newWaiter(() -> {
            throw new RedisConnectionException("refused");
        });
        for (int i = 1; i <= 2; i++) {
            assertThatThrownBy(() -> waiter.await(LONG_WAIT)).isInstanceOf(BackendException.class)
                    .hasMessage("Redis connect failed: refused");
            assertThat(connections).hasValue(i);
        }
    }
}
