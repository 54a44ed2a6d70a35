package dev.actionqueues.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.BackendException;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.Debounce;
import dev.actionqueues.deferred.spi.DebounceDecision;
import dev.actionqueues.deferred.spi.JobQueue;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.deferred.spi.QueueStats;
import dev.actionqueues.redis.testing.BlockedClients;
import dev.actionqueues.redis.testing.SharedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis-specific behaviour of the queue (the backend contract suite covers the rest), against the
 * machine's Redis under a unique key prefix per run; {@link ClusterRedisJobQueueTest} runs the same
 * tests on a 3-node Cluster. The factory's connections carry the prefix as their client name, so a test
 * can see in {@code CLIENT LIST} when a claim is blocked on Redis.
 */
class RedisJobQueueTest {

    static final String PREFIX = "aqtest-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static RedisClient rawClient;
    private static StatefulRedisConnection<String, String> raw;

    RedisBackendFactory factory;
    Backend backend;
    JobQueue queue;

    @BeforeAll
    static void connect() {
        rawClient = RedisClient.create(SharedRedis.require());
        raw = rawClient.connect();
    }

    @AfterAll
    static void cleanUp() {
        if (raw != null) {
            var keys = raw.sync().keys(PREFIX + ":*");
            if (!keys.isEmpty()) {
                raw.sync().del(keys.toArray(String[]::new));
            }
            raw.close();
            rawClient.shutdown();
        }
    }

    RedisBackendFactory newFactory() {
        return RedisBackendFactory.builder().uri(BlockedClients.named(SharedRedis.url(), PREFIX)).keyPrefix(PREFIX)
                .build();
    }

    /** Returns how many of this test's connections are blocked in a {@code BLMOVE}, waiting for a job. */
    long blockedClaims() {
        return BlockedClients.inBlmove(raw.sync().clientList(), PREFIX);
    }

    void rawLpush(String key, String value) {
        raw.sync().lpush(key, value);
    }

    void rawSet(String key, String value) {
        raw.sync().set(key, value);
    }

    /** The Redis server's clock, which the scripts use for due times and windows. */
    static long serverMillis() {
        List<String> t = raw.sync().time();
        return Long.parseLong(t.get(0)) * 1000 + Long.parseLong(t.get(1)) / 1000;
    }

    List<String> rawHashFields(String key) {
        return raw.sync().hkeys(key);
    }

    @BeforeEach
    void setUp() {
        factory = newFactory();
        backend = factory.createBackendForGroup("g" + UUID.randomUUID().toString().substring(0, 8));
        queue = backend.queue();
    }

    @AfterEach
    void tearDown() {
        factory.close();
    }

    private Lease claimOne() throws InterruptedException {
        return queue.claim(LEASE, Duration.ZERO).orElseThrow();
    }

    @Test
    void pushPopCompleteInFifoOrderWithFencingTokens() throws Exception {
        for (int i = 0; i < 5; i++) {
            queue.push(NewJob.of("j" + i, "{\"n\":" + i + "}"));
        }
        assertThat(queue.stats()).isEqualTo(new QueueStats(5, 0, 0));
        long lastToken = 0;
        for (int i = 0; i < 5; i++) {
            Lease l = claimOne();
            assertThat(l.jobId()).isEqualTo("j" + i);
            assertThat(l.payload()).isEqualTo("{\"n\":" + i + "}");
            assertThat(l.deliveries()).isEqualTo(1);
            assertThat(l.fencingToken()).isGreaterThan(lastToken);
            lastToken = l.fencingToken();
            assertThat(queue.complete(l)).isTrue();
            assertThat(queue.complete(l)).isFalse();
        }
        assertThat(queue.claim(LEASE, Duration.ZERO)).isEmpty();
    }

    @Test
    void fencingTokensAreExactIntegersFromTenToTheFourteenToTheLargestLong() throws Exception {
        // Before the fix Lua wrote the token 10^14 as "1e+14" (the claim failed to parse) and lost
        // precision past 2^53 (distinct deliveries would have shared a token).
        String seq = ((RedisJobQueue) queue).keys().queueKeys()[4];
        for (long start : List.of(99_999_999_999_998L, 9_007_199_254_740_990L, 9_007_199_999_999_998L,
                9_999_999_999_999_998L, Long.MAX_VALUE - 4)) {
            rawSet(seq, Long.toString(start));
            for (int i = 0; i < 4; i++) {
                queue.push(NewJob.of("t" + i, "p" + i));
            }
            List<Lease> leases = new java.util.ArrayList<>(queue.claimBatch(3, LEASE, Duration.ZERO));
            leases.add(claimOne()); // one claim through the combined step script
            assertThat(leases).extracting(Lease::jobId).containsExactly("t0", "t1", "t2", "t3");
            assertThat(leases).extracting(Lease::fencingToken)
                    .containsExactly(start + 1, start + 2, start + 3, start + 4);
            assertThat(leases).allSatisfy(l -> assertThat(l.receipt()).isEqualTo(Long.toString(l.fencingToken())));
            Lease last = leases.getLast();
            Lease neighbour = new Lease(last.jobId(), last.payload(), start + 3, last.expiresAt(), 1,
                    Long.toString(start + 3));
            assertThat(queue.complete(neighbour)).isFalse();
            assertThat(queue.completeBatch(leases)).containsOnly(true);
        }
    }

    @Test
    void expiredLeaseIsRedeliveredAndTheOldLeaseIsStale() throws Exception {
        queue.push(NewJob.of("a", "p"));
        Lease first = queue.claim(Duration.ofMillis(50), Duration.ZERO).orElseThrow();
        Lease second = await().atMost(5, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10))
                .until(() -> queue.claim(LEASE, Duration.ZERO), java.util.Optional::isPresent).orElseThrow();
        assertThat(second.jobId()).isEqualTo("a");
        assertThat(second.deliveries()).isEqualTo(2);
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
        assertThat(queue.complete(first)).isFalse();
        assertThat(queue.renew(first, LEASE)).isEmpty();
        assertThat(queue.release(first, "x", Duration.ZERO)).isFalse();
        assertThat(queue.deadLetter(first, "x")).isFalse();
        assertThat(queue.complete(second)).isTrue();
    }

    @Test
    void renewUsesServerTimeAndKeepsTheToken() throws Exception {
        queue.push(NewJob.of("a", "p"));
        Lease l = queue.claim(Duration.ofMillis(300), Duration.ZERO).orElseThrow();
        Lease renewed = queue.renew(l, Duration.ofMinutes(5)).orElseThrow();
        assertThat(renewed.fencingToken()).isEqualTo(l.fencingToken());
        assertThat(renewed.expiresAt()).isAfter(l.expiresAt().plusSeconds(200));
        assertThat(queue.stats().inFlight()).isEqualTo(1);
        assertThat(queue.complete(renewed)).isTrue();
    }

    @Test
    void releaseRequeuesWithTheNewPayload() throws Exception {
        queue.push(NewJob.of("a", "v1"));
        Lease l = claimOne();
        assertThat(queue.release(l, "v2", Duration.ofMillis(100))).isTrue();
        assertThat(queue.stats().delayed()).isEqualTo(1);
        Lease again = await().atMost(5, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10))
                .until(() -> queue.claim(LEASE, Duration.ZERO), java.util.Optional::isPresent).orElseThrow();
        assertThat(again.payload()).isEqualTo("v2");
    }

    @Test
    void deadLetterAndReplayMoveJobsBetweenTheQueuesAtomically() throws Exception {
        queue.push(NewJob.of("a", "p"));
        Lease l = claimOne();
        assertThat(queue.deadLetter(l, "{\"error\":\"boom\"}")).isTrue();
        assertThat(queue.stats().total()).isZero();
        assertThat(backend.errorQueue().stats().available()).isEqualTo(1);
        assertThat(backend.errorQueue().list(0, 10)).singleElement()
                .satisfies(r -> assertThat(r.payload()).isEqualTo("{\"error\":\"boom\"}"));
        assertThat(queue.replayError("a", "p2")).isTrue();
        assertThat(queue.replayError("a", "p2")).isFalse();
        assertThat(claimOne().payload()).isEqualTo("p2");
        assertThatThrownBy(() -> backend.errorQueue().deadLetter(l, "x"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void malformedEntriesWrittenIntoTheListArePoppableUnderAMadeUpId() throws Exception {
        String[] garbage = {"", "v1|", "v1||0|p", "v1|x|notanumber|p", "{\"method\":\"pickle\"}", "v2|x|0|p"};
        for (int i = 0; i < 600; i++) {
            queue.push(NewJob.of("good-" + i, "{}"));
            rawLpush(((RedisJobQueue) queue).keys().ready(), garbage[i % garbage.length] + (i % 3 == 0 ? "" : "#" + i));
        }
        int good = 0;
        int malformed = 0;
        while (true) {
            List<Lease> leases = queue.claimBatch(100, LEASE, Duration.ZERO);
            if (leases.isEmpty()) {
                break;
            }
            for (Lease l : leases) {
                if (l.jobId().startsWith("good-")) {
                    good++;
                    assertThat(queue.complete(l)).isTrue();
                } else {
                    malformed++;
                    assertThat(l.jobId()).startsWith("malformed-");
                    assertThat(queue.deadLetter(l, "{\"reason\":\"malformed\"}")).isTrue();
                }
            }
        }
        assertThat(good).isEqualTo(600);
        assertThat(malformed).isEqualTo(600);
        assertThat(backend.errorQueue().stats().available()).isEqualTo(600);
    }

    @Test
    void leadingDebounceCollapsesIntoTheWaitingJobAndSpacesRunsAWindowApart() throws Exception {
        Debounce d = new Debounce("k", Duration.ofSeconds(10), false);
        var first = queue.pushDebounced(NewJob.of("d1", "p"), d);
        var second = queue.pushDebounced(NewJob.of("d2", "p"), d);
        assertThat(first.decision()).isEqualTo(DebounceDecision.PUSH_NOW);
        assertThat(second.decision()).isEqualTo(DebounceDecision.SKIP);
        assertThat(second.jobId()).isEqualTo("d1");
        Lease running = claimOne();
        var third = queue.pushDebounced(NewJob.of("d3", "p"), d);
        assertThat(third.decision()).isEqualTo(DebounceDecision.PUSH_DELAYED);
        assertThat(third.delay()).isBetween(Duration.ofSeconds(9), Duration.ofSeconds(10));
        var fourth = queue.pushDebounced(NewJob.of("d4", "p"), d);
        assertThat(fourth.decision()).isEqualTo(DebounceDecision.SKIP);
        assertThat(fourth.jobId()).isEqualTo("d3");
        queue.complete(running);
    }

    @Test
    void removingAKeysPendingJobEndsTheSkipsAndKeysNoLongerUsedAreForgotten() throws Exception {
        String[] keys = ((RedisJobQueue) queue).keys().queueKeys();
        Debounce removed = new Debounce("removed", Duration.ofSeconds(10), true);
        assertThat(queue.pushDebounced(NewJob.of("r1", "p"), removed).decision())
                .isEqualTo(DebounceDecision.PUSH_DELAYED);
        assertThat(queue.remove("r1")).isTrue();
        var again = queue.pushDebounced(NewJob.of("r2", "p"), removed);
        assertThat(again.decision()).isEqualTo(DebounceDecision.PUSH_DELAYED);
        assertThat(again.jobId()).isEqualTo("r2");

        Debounce used = new Debounce("used once", Duration.ofMillis(100), false);
        Debounce waiting = new Debounce("waiting", Duration.ofMillis(100), false);
        queue.pushDebounced(NewJob.of("u1", "p"), used);
        queue.pushDebounced(NewJob.of("w1", "p"), waiting);
        assertThat(queue.claimBatch(1, LEASE, Duration.ZERO)).extracting(Lease::jobId).containsExactly("u1");
        assertThat(rawHashFields(keys[7])).containsExactlyInAnyOrder("r2", "w1");
        // The windows run on the server's clock: wait until it has passed them.
        long claimedAt = serverMillis();
        await().atMost(Duration.ofSeconds(5)).until(() -> serverMillis() > claimedAt + 150);
        // A debounced push forgets some keys that have no pending job and whose window has passed: it
        // samples three keys, here all there are.
        queue.pushDebounced(NewJob.of("o1", "p"), new Debounce("other", Duration.ofMillis(100), false));
        assertThat(rawHashFields(keys[6])).containsExactlyInAnyOrder(RedisKeys.debounceField("removed"),
                RedisKeys.debounceField("waiting"), RedisKeys.debounceField("other"));
        assertThat(queue.pushDebounced(NewJob.of("w2", "p"), waiting).decision()).isEqualTo(DebounceDecision.SKIP);
    }

    @Test
    void alwaysDelayDebounceDelaysTheFirstCallByTheWindow() {
        Debounce d = new Debounce("k", Duration.ofSeconds(10), true);
        var first = queue.pushDebounced(NewJob.of("d1", "p"), d);
        var second = queue.pushDebounced(NewJob.of("d2", "p"), d);
        assertThat(first.decision()).isEqualTo(DebounceDecision.PUSH_DELAYED);
        assertThat(first.delay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(second.decision()).isEqualTo(DebounceDecision.SKIP);
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, 1));
    }

    @Test
    void aDebounceWindowUnderAMillisecondCountsAsOneAndOneBeyondTheMaximumDelayIsRefusedBeforeAnyWrite() {
        // Before the fix a window under 1 ms pushed the job, then threw (SET PX 0): a half-effect behind a
        // BackendException; and a window beyond the maximum delay was accepted.
        var leading = queue.pushDebounced(NewJob.of("sub1", "p"),
                new Debounce("sub-ms", Duration.ofNanos(500_000), false));
        assertThat(leading.decision()).isEqualTo(DebounceDecision.PUSH_NOW);
        var always = queue.pushDebounced(NewJob.of("sub2", "p"),
                new Debounce("sub-ms-always", Duration.ofNanos(1), true));
        assertThat(always.decision()).isEqualTo(DebounceDecision.PUSH_DELAYED);
        assertThat(always.delay()).isEqualTo(Duration.ofMillis(1));
        var rounded = queue.pushDebounced(NewJob.of("sub3", "p"), new Debounce("ms-and-a-bit",
                Duration.ofMillis(2_000).plusNanos(1), true));
        assertThat(rounded.delay()).isEqualTo(Duration.ofMillis(2_001));
        Duration tooLong = queue.capabilities().maxDelay().plusMillis(1);
        assertThatThrownBy(() -> queue.pushDebounced(NewJob.of("long", "p"), new Debounce("long", tooLong, false)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("debounce window " + tooLong + " exceeds the Redis backend's maximum delay "
                        + queue.capabilities().maxDelay());
        assertThat(queue.stats().total()).isEqualTo(3);
        assertThat(queue.find("long")).isEmpty();
    }

    @Test
    void blockingPopWakesWhenAJobIsPushedAndForADelayedJobsDueTime() throws Exception {
        CompletableFuture<List<Lease>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.claimBatch(1, LEASE, Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(5, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10)).until(() -> blockedClaims() == 1);
        queue.push(NewJob.of("x", "p"));
        assertThat(waiting.get(5, TimeUnit.SECONDS)).extracting(Lease::jobId).containsExactly("x");

        queue.push(new NewJob("soon", "p", Duration.ofMillis(200)));
        long start = System.nanoTime();
        assertThat(queue.claim(LEASE, Duration.ofSeconds(10)))
                .hasValueSatisfying(l -> assertThat(l.jobId()).isEqualTo("soon"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void interruptedPopsThrowInterruptedExceptionAndLeakNoLease() throws Exception {
        List<Throwable> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> pollers = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pollers.add(Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        queue.claim(LEASE, Duration.ofSeconds(10))
                                .ifPresent(l -> queue.release(l, l.payload(), Duration.ZERO));
                    }
                } catch (Throwable t) {
                    outcomes.add(t);
                }
            }));
        }
        for (int i = 0; i < 50; i++) {
            queue.push(NewJob.of("j" + i, "p"));
        }
        for (Thread t : pollers) {
            t.interrupt();
        }
        for (Thread t : pollers) {
            t.join(10_000);
        }
        assertThat(outcomes).hasSize(8).allSatisfy(t -> assertThat(t).isInstanceOf(InterruptedException.class));
        assertThat(queue.stats()).isEqualTo(new QueueStats(50, 0, 0));
    }

    @Test
    void flushRemovesEverythingIncludingInFlightAndDebounceState() throws Exception {
        queue.push(NewJob.of("a", "p"));
        queue.push(new NewJob("b", "p", Duration.ofMinutes(5)));
        queue.pushDebounced(NewJob.of("c", "p"), new Debounce("k", Duration.ofMinutes(5), true));
        Lease l = claimOne();
        queue.flush();
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, 0));
        assertThat(queue.complete(l)).isFalse();
        var again = queue.pushDebounced(NewJob.of("e", "p"), new Debounce("k", Duration.ofMinutes(5), true));
        assertThat(again.decision()).isEqualTo(DebounceDecision.PUSH_DELAYED);
    }

    @Test
    void aFlushRacingDelayedPushesNeverLeavesTheCountsWrong() throws Exception {
        // Before the fix flush deleted the keys one by one: a delayed push landing between the ready list
        // and the marker count left its wake-up marker counted as an available job.
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> pushers = new java.util.ArrayList<>();
        for (int t = 0; t < 2; t++) {
            String name = "t" + t + "-";
            pushers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    queue.push(new NewJob(name + i, "p", Duration.ofHours(1)));
                }
            }));
        }
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            for (int flushes = 1; System.nanoTime() < end; flushes++) {
                queue.flush();
                // Every job is delayed for an hour, so none is ever available.
                assertThat(queue.stats().available()).as("available after flush %d", flushes).isZero();
            }
        } finally {
            stop.set(true);
            for (Thread t : pushers) {
                t.join(10_000);
            }
        }
        assertThat(queue.stats().available()).isZero();
        queue.flush();
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, 0));
    }

    /** Strings that are not well-formed UTF-16: unpaired surrogates, alone or next to a proper pair. */
    static final List<String> UNPAIRED = List.of("high \uD83D alone", "low \uDE00 alone", "\uDE00\uD83D",
            "ends high \uD83D", "\uD800", "\uDFFF", "pair \uD83D\uDE00 then \uDBFF", "?\uDC00?");

    @Test
    void payloadsWithUnpairedSurrogatesComeBackExactlyThroughEveryCall() throws Exception {
        // JobQueue promises payloads back exactly; before the fix each unpaired surrogate came back as '?'.
        JobQueue errors = backend.errorQueue();
        for (String p : UNPAIRED) {
            queue.push(NewJob.of("now", p));
            queue.push(new NewJob("later", p, Duration.ofMillis(1)));
            queue.pushBatch(List.of(NewJob.of("batch", p)));
            queue.pushDebounced(NewJob.of("debounced", p), new Debounce(p, Duration.ofMillis(1), false));
            assertThat(queue.find("now")).hasValueSatisfying(r -> assertThat(r.payload()).isEqualTo(p));
            assertThat(queue.list(0, 10)).extracting(r -> r.payload()).containsOnly(p);
            // The delayed and debounced jobs fall due 1 ms later on the server's clock.
            List<Lease> leases = new java.util.ArrayList<>();
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                leases.addAll(queue.claimBatch(10, LEASE, Duration.ZERO));
                return leases.size() >= 4;
            });
            assertThat(leases).extracting(Lease::jobId).containsExactlyInAnyOrder("now", "later", "batch", "debounced");
            assertThat(leases).extracting(Lease::payload).containsOnly(p);

            assertThat(queue.release(leases.get(0), p + "!", Duration.ZERO)).isTrue();
            assertThat(claimOne().payload()).isEqualTo(p + "!");
            assertThat(queue.deadLetter(leases.get(1), "error " + p)).isTrue();
            assertThat(errors.find(leases.get(1).jobId()))
                    .hasValueSatisfying(r -> assertThat(r.payload()).isEqualTo("error " + p));
            assertThat(queue.replayError(leases.get(1).jobId(), "replayed " + p)).isTrue();
            Lease replayed = claimOne();
            assertThat(replayed.payload()).isEqualTo("replayed " + p);
            queue.flush();
        }
    }

    @Test
    void closedQueuesLeaveTheFactorysListOfQueuesToClose() throws Exception {
        // Before the fix the list only grew: every queue created stayed referenced until the factory closed.
        int open = factory.openQueues();
        for (int i = 0; i < 5; i++) {
            Backend b = factory.createBackendForGroup("closed" + i);
            assertThat(factory.openQueues()).isEqualTo(open + 2);
            ((AutoCloseable) b.queue()).close();
            ((AutoCloseable) b.errorQueue()).close();
            ((AutoCloseable) b.errorQueue()).close();
            assertThat(factory.openQueues()).isEqualTo(open);
        }
    }

    @Test
    void groupAndPrefixNamesAreValidatedAndPasswordsStayHidden() {
        for (String bad : List.of("a:b", "{x}", "*", "line\nbreak", "", " sp", "x".repeat(10_000), "é")) {
            assertThatThrownBy(() -> factory.createBackendForGroup(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("group must match").hasMessageNotContaining("\n");
            assertThatThrownBy(() -> RedisBackendFactory.builder().keyPrefix(bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(RedisKeys.main("app-1", "emails_v2.eu").ready()).isEqualTo("app-1:{emails_v2.eu}:q:ready");
        assertThatThrownBy(() -> queue.push(NewJob.of("a|b", "p"))).isInstanceOf(IllegalArgumentException.class);
        try (RedisBackendFactory secret = RedisBackendFactory.builder().uri("redis://:s3cr3t-pw@127.0.0.1:1").build()) {
            assertThat(secret.toString()).doesNotContain("s3cr3t");
            assertThatThrownBy(() -> secret.createBackendForGroup("g"))
                    .hasMessageNotContaining("s3cr3t");
        }
    }

    @Test
    void usingAClosedFactoryOrItsQueuesFailsWithAClearError() {
        RedisBackendFactory closed = newFactory();
        JobQueue q = closed.createBackendForGroup("closed").queue();
        closed.close();

        assertThatThrownBy(() -> closed.createBackendForGroup("again")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        for (org.junit.jupiter.api.function.Executable call : List.<org.junit.jupiter.api.function.Executable>of(
                () -> q.push(NewJob.of("x", "p")), () -> q.claim(LEASE, Duration.ZERO),
                () -> q.claim(LEASE, Duration.ofMillis(100)), q::stats)) {
            Throwable t = org.junit.jupiter.api.Assertions.assertThrows(Throwable.class, call);
            assertThat(t).isInstanceOfAny(IllegalStateException.class, BackendException.class)
                    .hasMessageContaining("closed");
            if (t instanceof IllegalStateException) {
                assertThat(t.getClass()).as("ours, not Netty's").isEqualTo(IllegalStateException.class);
                assertThat(t.getStackTrace()[0].getClassName()).startsWith("dev.actionqueues");
            }
        }
    }
}
