package dev.actionqueues.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.redis.RedisJobStore.Claimed;
import dev.actionqueues.redis.RedisJobStore.DebounceKind;
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
 * The store's scripts against a real Redis, under a unique key prefix per run: the machine's
 * standalone Redis here, a 3-node Cluster in {@link ClusterRedisJobStoreTest}.
 */
class RedisJobStoreTest {

    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;
    static final String PREFIX = "aqtest-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Duration LEASE = Duration.ofSeconds(30);

    RedisJobStore store;

    @BeforeAll
    static void connect() {
        client = RedisClient.create(SharedRedis.require());
        connection = client.connect();
    }

    @AfterAll
    static void cleanUp() {
        if (connection != null) {
            var keys = connection.sync().keys(PREFIX + ":*");
            if (!keys.isEmpty()) {
                connection.sync().del(keys.toArray(String[]::new));
            }
            connection.close();
            client.shutdown();
        }
    }

    /** Creates the store under test; the Cluster variant overrides it. */
    RedisJobStore newStore(RedisKeys keys) {
        return new RedisJobStore(keys, RedisOps.of(connection), () -> RedisOps.of(client.connect()));
    }

    /** Pushes a raw entry into a key, bypassing the store. */
    void rawLpush(String key, String value) {
        connection.sync().lpush(key, value);
    }

    @BeforeEach
    void newStore() {
        store = newStore(new RedisKeys(PREFIX, "g" + UUID.randomUUID().toString().substring(0, 8)));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private Claimed claimOne() {
        List<Claimed> jobs = store.claim(LEASE, 1).jobs();
        assertThat(jobs).hasSize(1);
        return jobs.get(0);
    }

    @Test
    void pushClaimCompleteInFifoOrder() {
        for (int i = 0; i < 5; i++) {
            store.push("j" + i, "{\"n\":" + i + "}", Duration.ZERO, 5);
        }
        assertThat(store.counts().available()).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            Claimed c = claimOne();
            assertThat(c.id()).isEqualTo("j" + i);
            assertThat(c.payload()).isEqualTo("{\"n\":" + i + "}");
            assertThat(c.deliveries()).isEqualTo(1);
            assertThat(store.complete(c.id(), c.token())).isTrue();
        }
        assertThat(store.claim(LEASE, 1).jobs()).isEmpty();
        assertThat(store.counts()).isEqualTo(new RedisJobStore.Counts(0, 0, 0, 0));
    }

    @Test
    void completeWithAStaleTokenIsRejected() {
        store.push("a", "p", Duration.ZERO, 5);
        Claimed c = claimOne();
        assertThat(store.complete(c.id(), "999999")).isFalse();
        assertThat(store.complete(c.id(), c.token())).isTrue();
        assertThat(store.complete(c.id(), c.token())).isFalse();
    }

    @Test
    void expiredLeaseIsRedeliveredAndTheOldTokenNoLongerCompletes() {
        store.push("a", "p", Duration.ZERO, 5);
        Claimed first = store.claim(Duration.ofMillis(50), 1).jobs().get(0);
        Claimed second = await().atMost(5, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10))
                .until(() -> store.claim(LEASE, 1).jobs(), l -> !l.isEmpty()).get(0);
        assertThat(second.id()).isEqualTo("a");
        assertThat(second.deliveries()).isEqualTo(2);
        assertThat(store.complete(first.id(), first.token())).isFalse();
        assertThat(store.touch(first.id(), first.token(), LEASE)).isFalse();
        assertThat(store.complete(second.id(), second.token())).isTrue();
    }

    @Test
    void touchExtendsTheLease() {
        store.push("a", "p", Duration.ZERO, 5);
        Claimed c = store.claim(Duration.ofMillis(300), 1).jobs().get(0);
        assertThat(store.touch(c.id(), c.token(), LEASE)).isTrue();
        assertThat(store.counts().inFlight()).isEqualTo(1);
        assertThat(store.claim(LEASE, 1).jobs()).isEmpty();
        assertThat(store.complete(c.id(), c.token())).isTrue();
    }

    @Test
    void aJobThatKeepsLosingItsLeaseEndsInTheErrorQueue() {
        store.push("poison", "p", Duration.ZERO, 2);
        store.claim(Duration.ofMillis(20), 1);
        await().atMost(5, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10))
                .until(() -> store.claim(Duration.ofMillis(20), 1).jobs(), l -> !l.isEmpty());
        await().atMost(5, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10))
                .until(() -> store.claim(LEASE, 1).jobs().isEmpty() && store.counts().errors() == 1);
        assertThat(store.error("poison")).contains("lease expired 2 time(s)").contains("\"payload\":\"p\"");
        assertThat(store.counts()).isEqualTo(new RedisJobStore.Counts(0, 0, 0, 1));
    }

    @Test
    void releaseRequeuesWithTheNewPayloadAndResetsDeliveries() {
        store.push("a", "v1", Duration.ZERO, 5);
        Claimed c = claimOne();
        assertThat(store.release(c.id(), c.token(), "v2", Duration.ZERO, 5)).isTrue();
        Claimed again = claimOne();
        assertThat(again.payload()).isEqualTo("v2");
        assertThat(again.deliveries()).isEqualTo(1);
        assertThat(store.release(c.id(), c.token(), "v3", Duration.ZERO, 5)).isFalse();
    }

    @Test
    void delayedJobIsNotClaimedBeforeItIsDue() {
        store.push("later", "p", Duration.ofMillis(300), 5);
        RedisJobStore.ClaimResult r = store.claim(LEASE, 1);
        assertThat(r.jobs()).isEmpty();
        assertThat(r.nextEvent()).isBetween(Duration.ofMillis(1), Duration.ofMillis(300));
        assertThat(store.counts().delayed()).isEqualTo(1);
        Claimed c = await().atMost(5, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10))
                .until(() -> store.claim(LEASE, 1).jobs(), l -> !l.isEmpty()).get(0);
        assertThat(c.id()).isEqualTo("later");
    }

    @Test
    void failMovesTheJobToTheErrorQueueAndReplayBringsItBack() {
        store.push("a", "p", Duration.ZERO, 5);
        Claimed c = claimOne();
        assertThat(store.fail(c.id(), c.token(), "{\"reason\":\"boom\"}")).isTrue();
        assertThat(store.counts().errors()).isEqualTo(1);
        assertThat(store.errors(0, 10)).containsEntry("a", "{\"reason\":\"boom\"}");
        assertThat(store.replay("a", "p2", 5)).isTrue();
        assertThat(store.replay("a", "p2", 5)).isFalse();
        assertThat(claimOne().payload()).isEqualTo("p2");
    }

    @Test
    void rawEntriesWrittenIntoTheListEndInTheErrorQueue() {
        rawLpush(store.keys().ready(), "{\"not\":\"ours\"}");
        store.push("good", "p", Duration.ZERO, 5);
        Claimed c = claimOne();
        assertThat(c.id()).isEqualTo("good");
        assertThat(store.errors(0, 10).values()).singleElement().asString()
                .contains("not written by actionqueues").contains("not");
    }

    @Test
    void aThousandMalformedEntriesAmongAThousandGoodJobsAllEndUpSomewhere() {
        String[] garbage = {"", "v1|", "v1||5|0|p", "v1|x|notanumber|0|p", "v1|x|5", "{\"method\":\"pickle\"}",
            "\u0000\u0001binary", "v2|x|5|0|p"};
        for (int i = 0; i < 1000; i++) {
            store.push("good-" + i, "{}", Duration.ZERO, 5);
            rawLpush(store.keys().ready(), garbage[i % garbage.length] + (i % 3 == 0 ? "" : "#" + i));
        }
        int good = 0;
        while (true) {
            List<Claimed> jobs = store.claim(LEASE, 100).jobs();
            if (jobs.isEmpty()) {
                break;
            }
            for (Claimed c : jobs) {
                assertThat(c.id()).startsWith("good-");
                store.complete(c.id(), c.token());
                good++;
            }
        }
        assertThat(good).isEqualTo(1000);
        assertThat(store.counts().errors()).isEqualTo(1000);
        assertThat(store.errors(0, 1000).values()).allSatisfy(e -> assertThat(e).contains("not written by actionqueues"));
    }

    @Test
    void leadingDebounceRunsNowThenOneTrailingRunAndSkipsTheRest() {
        var first = store.debouncedPush("k", "d1", "p", Duration.ofSeconds(10), false, 5);
        var second = store.debouncedPush("k", "d2", "p", Duration.ofSeconds(10), false, 5);
        var third = store.debouncedPush("k", "d3", "p", Duration.ofSeconds(10), false, 5);
        assertThat(first.kind()).isEqualTo(DebounceKind.NOW);
        assertThat(second.kind()).isEqualTo(DebounceKind.DELAYED);
        assertThat(second.delay()).isBetween(Duration.ofSeconds(9), Duration.ofSeconds(10));
        assertThat(third.kind()).isEqualTo(DebounceKind.SKIPPED);
        assertThat(third.pendingId()).isEqualTo("d2");
        assertThat(store.counts().available()).isEqualTo(1);
        assertThat(store.counts().delayed()).isEqualTo(1);
    }

    @Test
    void alwaysDelayDebounceDelaysTheFirstCallAndCollapsesTheRest() {
        var first = store.debouncedPush("k", "d1", "p", Duration.ofSeconds(10), true, 5);
        var second = store.debouncedPush("k", "d2", "p", Duration.ofSeconds(10), true, 5);
        assertThat(first.kind()).isEqualTo(DebounceKind.DELAYED);
        assertThat(first.delay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(second.kind()).isEqualTo(DebounceKind.SKIPPED);
    }

    @Test
    void aCallDuringTheTrailingRunSchedulesAnotherRunInsteadOfBeingLost() {
        store.debouncedPush("k", "d1", "p", Duration.ofMillis(200), false, 5);
        Claimed leading = claimOne();
        store.complete(leading.id(), leading.token());
        store.debouncedPush("k", "d2", "p", Duration.ofMillis(200), false, 5);
        Claimed trailing = await().atMost(5, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10))
                .until(() -> store.claim(LEASE, 1).jobs(), l -> !l.isEmpty()).get(0);
        assertThat(trailing.id()).isEqualTo("d2");
        // d2 is running (leased): a new call must not collapse into it.
        var during = store.debouncedPush("k", "d3", "p", Duration.ofMillis(200), false, 5);
        assertThat(during.kind()).isEqualTo(DebounceKind.DELAYED);
    }

    @Test
    void blockingClaimWakesWhenAJobIsPushed() throws Exception {
        CompletableFuture<List<Claimed>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return store.claim(LEASE, 1, Duration.ofSeconds(10)).jobs();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().pollDelay(Duration.ofMillis(100)).until(() -> true);
        long start = System.nanoTime();
        store.push("x", "p", Duration.ZERO, 5);
        List<Claimed> got = waiting.get(5, TimeUnit.SECONDS);
        assertThat(got).extracting(Claimed::id).containsExactly("x");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void blockingClaimWakesForADelayedJobsDueTime() throws Exception {
        store.push("soon", "p", Duration.ofMillis(200), 5);
        List<Claimed> got = store.claim(LEASE, 1, Duration.ofSeconds(10)).jobs();
        assertThat(got).extracting(Claimed::id).containsExactly("soon");
    }

    @Test
    void flushEmptiesTheMainQueueButKeepsErrors() {
        store.push("a", "p", Duration.ZERO, 5);
        store.push("b", "p", Duration.ofMinutes(5), 5);
        Claimed c = claimOne();
        store.fail(c.id(), c.token(), "{}");
        store.push("c", "p", Duration.ZERO, 5);
        store.flush();
        assertThat(store.counts()).isEqualTo(new RedisJobStore.Counts(0, 0, 0, 1));
        store.purgeErrors();
        assertThat(store.counts().errors()).isZero();
    }

    @Test
    void groupAndPrefixNamesAreValidated() {
        for (String bad : List.of("a:b", "{x}", "*", "line\nbreak", "", " sp", "x".repeat(10_000), "é")) {
            assertThatThrownBy(() -> new RedisKeys("p", bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("group must match").hasMessageNotContaining("\n");
            assertThatThrownBy(() -> new RedisKeys(bad, "g")).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(new RedisKeys("app-1", "emails_v2.eu").ready()).isEqualTo("app-1:{emails_v2.eu}:ready");
        assertThatThrownBy(() -> store.push("a|b", "p", Duration.ZERO, 5)).isInstanceOf(IllegalArgumentException.class);
    }
}
