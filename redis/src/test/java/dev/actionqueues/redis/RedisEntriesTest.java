package dev.actionqueues.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.deferred.spi.DebounceDecision;
import dev.actionqueues.deferred.spi.DebounceResult;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.deferred.spi.NewJob;
import dev.actionqueues.redis.RedisEntries.ClaimReply;
import dev.actionqueues.redis.testing.SharedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The entry format and the reading of script replies: the pure parts without Redis, then round trips
 * through the real claim script (which parses entries) on the machine's Redis under a unique prefix.
 */
class RedisEntriesTest {

    private static final String PREFIX = "aqentries-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static RedisClient client;
    private static RedisOps redis;

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

    private static RedisOps redis() {
        if (redis == null) {
            client = RedisClient.create(SharedRedis.require());
            redis = RedisOps.of(client.connect());
        }
        return redis;
    }

    // ---- encoding and input checks ----

    @Test
    void encodeWritesVersionIdNoDeliveriesAndThePayloadVerbatim() {
        assertThat(RedisEntries.encode("a", "p")).isEqualTo("v1|a|0|p");
        assertThat(RedisEntries.encode("a", "")).isEqualTo("v1|a|0|");
        assertThat(RedisEntries.encode("a", "x|y||z|")).isEqualTo("v1|a|0|x|y||z|");
        assertThat(RedisEntries.encode("ünï-😀", "{\"k\":\"é\"}")).isEqualTo("v1|ünï-😀|0|{\"k\":\"é\"}");
    }

    @Test
    void encodeAcceptsIdsOfOneToTwoHundredCharactersWithoutABar() {
        assertThat(RedisEntries.encode("x".repeat(RedisEntries.MAX_ID_LENGTH), "p")).startsWith("v1|xxx");
        for (String bad : List.of("", "x".repeat(RedisEntries.MAX_ID_LENGTH + 1), "a|b", "|", "a|")) {
            assertThatThrownBy(() -> RedisEntries.encode(bad, "p")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("job id must be 1-200 characters without '|'");
        }
        assertThatThrownBy(() -> RedisEntries.encode(null, "p")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void checkRejectsADelayBeyondTheMaximum() {
        NewJob longest = new NewJob("a", "p", RedisEntries.MAX_DELAY);
        assertThat(RedisEntries.check(longest)).isSameAs(longest);
        assertThatThrownBy(() -> RedisEntries.check(new NewJob("a", "p", RedisEntries.MAX_DELAY.plusMillis(1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds the Redis backend's maximum");
    }

    @Test
    void checkMeasuresThePayloadInUtf8Bytes() {
        String largest = "x".repeat(RedisEntries.MAX_PAYLOAD_BYTES);
        assertThatCode(() -> RedisEntries.check(NewJob.of("a", largest))).doesNotThrowAnyException();
        assertThatThrownBy(() -> RedisEntries.check(NewJob.of("a", largest + "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("payload exceeds 67108864 bytes");
        // Fewer characters than the limit, more bytes: three bytes each in UTF-8.
        String euros = "€".repeat(RedisEntries.MAX_PAYLOAD_BYTES / 3 + 1);
        assertThatThrownBy(() -> RedisEntries.check(NewJob.of("a", euros)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void releaseDelayRunsFromZeroToTheMaximum() {
        RedisEntries.checkReleaseDelay(Duration.ZERO);
        RedisEntries.checkReleaseDelay(RedisEntries.MAX_DELAY);
        for (Duration bad : List.of(Duration.ofMillis(-1), RedisEntries.MAX_DELAY.plusMillis(1))) {
            assertThatThrownBy(() -> RedisEntries.checkReleaseDelay(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("delay must be between 0 and");
        }
    }

    // ---- script replies ----

    @Test
    void parseClaimReadsEveryJobWithTheLeaseCountedFromTheServersTime() {
        List<Object> reply = List.of("jobs", "1000", "a", "pa", "7", "1", "b", "x|y", "8", "2147483647");
        ClaimReply r = RedisEntries.parseClaim(reply, 0, Duration.ofSeconds(30));
        assertThat(r.empty()).isFalse();
        assertThat(r.nextEvent()).isEmpty();
        Instant expires = Instant.ofEpochMilli(31_000);
        assertThat(r.leases()).containsExactly(new Lease("a", "pa", 7, expires, 1, "7"),
                new Lease("b", "x|y", 8, expires, Integer.MAX_VALUE, "8"));
    }

    @Test
    void parseClaimStartsAtTheGivenIndexAndTakesNumbersAsIntegersOrStrings() {
        List<Object> reply = List.of("10", "jobs", 5L, "a", "", "9007199254740993", 3L);
        ClaimReply r = RedisEntries.parseClaim(reply, 1, Duration.ofMillis(1));
        assertThat(r.leases()).singleElement().satisfies(l -> {
            assertThat(l.payload()).isEmpty();
            assertThat(l.fencingToken()).isEqualTo(9007199254740993L);
            assertThat(l.receipt()).isEqualTo("9007199254740993");
            assertThat(l.deliveries()).isEqualTo(3);
            assertThat(l.expiresAt()).isEqualTo(Instant.ofEpochMilli(6));
        });
    }

    @Test
    void parseClaimOfAnEmptyReplyGivesTheTimeToTheNextEventIfAny() {
        assertThat(RedisEntries.parseClaim(List.of("empty", "1000", "250"), 0, LEASE))
                .isEqualTo(new ClaimReply(List.of(), true, Optional.of(Duration.ofMillis(250))));
        assertThat(RedisEntries.parseClaim(List.of("", "empty", "1000", "-1"), 1, LEASE))
                .isEqualTo(new ClaimReply(List.of(), true, Optional.empty()));
    }

    @Test
    void parseDebounceMapsEachDecision() {
        assertThat(RedisEntries.parseDebounce(List.of("skip", "d1", "0")))
                .isEqualTo(new DebounceResult(DebounceDecision.SKIP, "d1", Duration.ZERO));
        assertThat(RedisEntries.parseDebounce(List.of("now", "d2", "0")))
                .isEqualTo(new DebounceResult(DebounceDecision.PUSH_NOW, "d2", Duration.ZERO));
        assertThat(RedisEntries.parseDebounce(List.of("delayed", "d3", "9500")))
                .isEqualTo(new DebounceResult(DebounceDecision.PUSH_DELAYED, "d3", Duration.ofMillis(9500)));
    }

    // ---- round trips through the claim script ----

    private static List<Lease> pushAndClaim(List<String> entries) {
        RedisKeys keys = RedisKeys.main(PREFIX, "g" + UUID.randomUUID().toString().substring(0, 8));
        for (String e : entries) {
            redis().lpush(keys.ready(), e);
        }
        List<Object> reply = redis().run(Script.CLAIM, ScriptOutputType.MULTI, keys.queueKeys(),
                Long.toString(LEASE.toMillis()), Integer.toString(entries.size() + 1));
        ClaimReply r = RedisEntries.parseClaim(reply, 0, LEASE);
        assertThat(r.empty()).isFalse();
        return r.leases();
    }

    @Test
    void encodedEntriesComeBackFromTheClaimScriptAsTheyWentIn() {
        List<String> payloads =
                List.of("p", "", "a|b|c", "|", "{\"k\":\"v1|x|0|y\"}", "ünï 😀\n\t", "x".repeat(100_000));
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            entries.add(RedisEntries.encode("id-" + i, payloads.get(i)));
        }
        entries.add(RedisEntries.encode("i".repeat(RedisEntries.MAX_ID_LENGTH), "longest id"));
        List<Lease> leases = pushAndClaim(entries);
        assertThat(leases).hasSize(entries.size());
        for (int i = 0; i < payloads.size(); i++) {
            assertThat(leases.get(i).jobId()).isEqualTo("id-" + i);
            assertThat(leases.get(i).payload()).isEqualTo(payloads.get(i));
            assertThat(leases.get(i).deliveries()).isEqualTo(1);
        }
        assertThat(leases.getLast().jobId()).hasSize(RedisEntries.MAX_ID_LENGTH);
        assertThat(leases).extracting(Lease::fencingToken).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void theDeliveryCountInAnEntryIsCarriedUpToTheLargestInt() {
        List<Lease> leases = pushAndClaim(List.of("v1|a|41|p", "v1|b|2147483646|p"));
        assertThat(leases).extracting(Lease::deliveries).containsExactly(42, Integer.MAX_VALUE);
    }

    /** Delivery counts that are not a decimal integer from 0 to {@code Integer.MAX_VALUE - 1}. */
    static final List<String> BAD_COUNTS = List.of("inf", "-inf", "nan", "-5", "-0", "1.5", "0x10", " 3", "3 ", "+3",
            "1e3", "2147483647", "99999999999", "", "\u0663");

    @Test
    void anEntryWithABadDeliveryCountIsMalformedAndTheRestOfTheBatchIsClaimedAsUsual() {
        // Before the fix this claim threw (NumberFormatException for "inf" and "1.5", IllegalArgumentException
        // from Lease for "-5"); "2147483647" overflowed and "0x10" and " 3" were taken as numbers.
        List<String> entries = new ArrayList<>();
        entries.add("v1|first|0|p");
        for (String count : BAD_COUNTS) {
            entries.add("v1|bad|" + count + "|p");
        }
        entries.add("v1|last|41|q");
        List<Lease> leases = pushAndClaim(entries);
        assertThat(leases).hasSize(entries.size());
        assertThat(leases.getFirst()).satisfies(l -> {
            assertThat(l.jobId()).isEqualTo("first");
            assertThat(l.payload()).isEqualTo("p");
            assertThat(l.deliveries()).isEqualTo(1);
        });
        assertThat(leases.getLast()).satisfies(l -> {
            assertThat(l.jobId()).isEqualTo("last");
            assertThat(l.payload()).isEqualTo("q");
            assertThat(l.deliveries()).isEqualTo(42);
        });
        for (int i = 1; i <= BAD_COUNTS.size(); i++) {
            Lease l = leases.get(i);
            assertThat(l.jobId()).as("entry %s", entries.get(i)).startsWith("malformed-");
            assertThat(l.payload()).isEqualTo(entries.get(i));
            assertThat(l.deliveries()).isEqualTo(1);
        }
    }

    @Test
    void anEntryNotInTheFormatIsClaimedUnderAMadeUpIdWithTheRawTextAsPayload() {
        List<String> malformed = List.of("", "v1|", "v1||0|p", "v1|x|notanumber|p", "v1|x", "v2|x|0|p", "plain text",
                "{\"task\":\"t\"}");
        List<Lease> leases = pushAndClaim(malformed);
        assertThat(leases).hasSize(malformed.size());
        for (int i = 0; i < malformed.size(); i++) {
            assertThat(leases.get(i).jobId()).startsWith("malformed-");
            assertThat(leases.get(i).payload()).isEqualTo(malformed.get(i));
            assertThat(leases.get(i).deliveries()).isEqualTo(1);
        }
        assertThat(leases).extracting(Lease::jobId).doesNotHaveDuplicates();
    }
}
