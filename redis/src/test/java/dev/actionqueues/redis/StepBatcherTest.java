package dev.actionqueues.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.deferred.BackendException;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.redis.StepBatcher.Step;
import dev.actionqueues.redis.StepBatcher.StepResult;
import dev.actionqueues.redis.testing.SharedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The combined claim/complete steps, run by the real step script on the machine's Redis under a unique prefix. */
class StepBatcherTest {

    private static final String PREFIX = "aqsteps-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static RedisClient client;
    private static RedisOps redis;

    private RedisKeys keys;
    private final List<Optional<Duration>> emptyClaims = new CopyOnWriteArrayList<>();
    private StepBatcher steps;

    @BeforeAll
    static void connect() {
        client = RedisClient.create(SharedRedis.require());
        redis = RedisOps.of(client.connect());
    }

    @AfterAll
    static void cleanUp() {
        if (redis != null) {
            List<String> keys = redis.scanKeys(PREFIX + ":*");
            if (!keys.isEmpty()) {
                redis.del(keys.toArray(String[]::new));
            }
            redis.close();
            client.shutdown();
        }
    }

    @BeforeEach
    void setUp() {
        keys = RedisKeys.main(PREFIX, "g" + UUID.randomUUID().toString().substring(0, 8));
        steps = new StepBatcher(redis, keys.queueKeys(), emptyClaims::add);
    }

    private void push(int n) {
        for (int i = 0; i < n; i++) {
            redis.lpush(keys.ready(), RedisEntries.encode("j" + i, "p" + i));
        }
    }

    private static List<String> ids(StepResult r) {
        return r.claimed().stream().map(Lease::jobId).toList();
    }

    @Test
    void claimedJobsAreSharedOutInStepOrderEachStepTakingUpToItsClaims() {
        push(5);
        List<StepResult> results = steps.run(List.of(Step.claim(LEASE, 2), Step.claim(LEASE, 1), Step.claim(LEASE, 4)));
        assertThat(results).hasSize(3);
        assertThat(ids(results.get(0))).containsExactly("j0", "j1");
        assertThat(ids(results.get(1))).containsExactly("j2");
        assertThat(ids(results.get(2))).containsExactly("j3", "j4");
        assertThat(results).noneMatch(StepResult::completed);
        assertThat(results.get(0).claimed().getFirst().payload()).isEqualTo("p0");
        assertThat(emptyClaims).isEmpty();
    }

    @Test
    void entriesWithBadDeliveryCountsAreClaimedAsMalformedWithoutFailingTheOtherSteps() {
        // Before the fix the whole combined call failed: every step's good jobs sat out their lease.
        List<String> pushed = new ArrayList<>();
        for (int i = 0; i < RedisEntriesTest.BAD_COUNTS.size(); i++) {
            pushed.add(RedisEntries.encode("good-" + i, "p" + i));
            pushed.add("v1|bad-" + i + "|" + RedisEntriesTest.BAD_COUNTS.get(i) + "|p");
        }
        for (String e : pushed) {
            redis.lpush(keys.ready(), e);
        }
        List<Step> batch = new ArrayList<>();
        for (int i = 0; i < pushed.size(); i++) {
            batch.add(Step.claim(LEASE, 1));
        }
        List<StepResult> results = steps.run(batch);
        assertThat(results).allSatisfy(r -> assertThat(r.claimed()).hasSize(1));
        for (int i = 0; i < pushed.size(); i++) {
            Lease l = results.get(i).claimed().getFirst();
            if (i % 2 == 0) {
                assertThat(l.jobId()).isEqualTo("good-" + i / 2);
                assertThat(l.payload()).isEqualTo("p" + i / 2);
            } else {
                assertThat(l.jobId()).as("entry %s", pushed.get(i)).startsWith("malformed-");
                assertThat(l.payload()).isEqualTo(pushed.get(i));
            }
            assertThat(l.deliveries()).isEqualTo(1);
        }
        assertThat(redis.hlen(keys.queueKeys()[3])).isEqualTo(pushed.size());
    }

    @Test
    void completionsAreReportedPerStepAndRunBeforeTheClaim() {
        push(2);
        List<Lease> held = steps.run(List.of(Step.claim(LEASE, 2))).getFirst().claimed();
        Lease stale = new Lease(held.get(0).jobId(), "p", 1, Instant.EPOCH, 1, "0");
        List<StepResult> results = steps.run(List.of(Step.complete(held.get(0)), Step.complete(stale),
                new Step(held.get(1), LEASE, 1), Step.complete(held.get(0))));
        assertThat(results).extracting(StepResult::completed).containsExactly(true, false, true, false);
        assertThat(results).allMatch(r -> r.claimed().isEmpty());
        assertThat(emptyClaims).containsExactly(Optional.empty());
        assertThat(redis.hlen(keys.queueKeys()[3])).isZero();
    }

    @Test
    void aBatchClaimsOnTheLongestLeaseAskedFor() {
        push(2);
        List<StepResult> results = steps.run(List.of(Step.claim(Duration.ofSeconds(1), 1), Step.claim(LEASE, 1)));
        Instant first = results.get(0).claimed().getFirst().expiresAt();
        assertThat(results.get(1).claimed().getFirst().expiresAt()).isEqualTo(first);
        assertThat(first).isAfter(Instant.now().plus(LEASE).minusSeconds(5));
    }

    @Test
    void anEmptyClaimReportsTheTimeToTheNextDelayedJob() {
        redis.run(Script.PUSH_DELAYED, ScriptOutputType.INTEGER, keys.queueKeys(), RedisEntries.encode("later", "p"),
                "60000");
        StepResult r = steps.submit(Step.claim(LEASE, 1));
        assertThat(r.claimed()).isEmpty();
        assertThat(emptyClaims).singleElement()
                .satisfies(next -> assertThat(next).hasValueSatisfying(d -> assertThat(d)
                        .isBetween(Duration.ofSeconds(50), Duration.ofSeconds(60))));
    }

    @Test
    void stepsThatOnlyCompleteClaimNothingAndReportNoEmptyClaim() {
        push(1);
        Lease l = steps.submit(Step.claim(LEASE, 1)).claimed().getFirst();
        assertThat(steps.submit(Step.complete(l))).isEqualTo(new StepResult(true, List.of()));
        assertThat(steps.submit(Step.complete(l))).isEqualTo(new StepResult(false, List.of()));
        assertThat(emptyClaims).isEmpty();
    }

    @Test
    void concurrentStepsGiveEveryJobToExactlyOneCaller() throws Exception {
        int jobs = 400;
        push(jobs);
        Set<String> claimed = ConcurrentHashMap.newKeySet();
        List<String> duplicates = new CopyOnWriteArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> workers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                workers.add(pool.submit(() -> {
                    start.await();
                    int completed = 0;
                    Lease done = null;
                    while (true) {
                        StepResult r = steps.submit(new Step(done, LEASE, 1));
                        completed += r.completed() ? 1 : 0;
                        if (r.claimed().isEmpty()) {
                            return completed;
                        }
                        done = r.claimed().getFirst();
                        if (!claimed.add(done.jobId())) {
                            duplicates.add(done.jobId());
                        }
                    }
                }));
            }
            start.countDown();
            int completed = 0;
            for (Future<Integer> w : workers) {
                completed += w.get(30, TimeUnit.SECONDS);
            }
            assertThat(duplicates).isEmpty();
            assertThat(claimed).hasSize(jobs);
            assertThat(completed).isEqualTo(jobs);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedScriptCallFailsEveryStepOfTheBatchWithABackendException() {
        try (var raw = client.connect()) {
            raw.sync().set(keys.ready(), "not a list");
        }
        assertThatThrownBy(() -> steps.submit(Step.claim(LEASE, 1))).isInstanceOf(BackendException.class)
                .hasMessageContaining("Redis claim/complete failed").hasMessageContaining("WRONGTYPE");
        assertThatThrownBy(() -> steps.run(List.of(Step.claim(LEASE, 1), Step.claim(LEASE, 1))))
                .isInstanceOf(BackendException.class);
    }
}
