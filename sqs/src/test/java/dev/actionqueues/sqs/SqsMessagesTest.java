package dev.actionqueues.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.sqs.SqsMessages.Envelope;
import dev.actionqueues.sqs.SqsMessages.Incoming;
import dev.actionqueues.sqs.SqsMessages.Outgoing;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** The message format, without a server: the header in the body, its Base64 form, foreign and damaged bodies. */
class SqsMessagesTest {

    private static final long NOW = 1_800_000_000_000L;

    @Test
    void aJobTravelsInTheBodyAfterAOneLineHeaderWithoutMessageAttributes() {
        Outgoing out = SqsMessages.outgoing("job-1", "{\"task\":\"t\"}", 3, Duration.ZERO, NOW, false, 1000);

        assertThat(out.body()).isEqualTo("aq1:3:0::5:job-1:0:\n{\"task\":\"t\"}");
        assertThat(out.delaySeconds()).isZero();
        Incoming in = SqsMessages.incoming(received(out.body(), 2));
        assertThat(in.ours()).isTrue();
        assertThat(in.jobId()).isEqualTo("job-1");
        assertThat(in.payload()).isEqualTo("{\"task\":\"t\"}");
        assertThat(in.generation()).isEqualTo(3);
        assertThat(in.receiveCount()).isEqualTo(2);
        assertThat(in.fencingToken()).isEqualTo((3L << 32) | 2);
        assertThat(in.dueMillis()).isZero();
        assertThat(in.deadLettered()).isFalse();
        assertThat(in.debounceKey()).isNull();
    }

    @Test
    void aDelayOverFifteenMinutesCarriesItsDueTimeAndTheDeadLetteredMarkAndDebounceKeyRoundTrip() {
        Outgoing out = SqsMessages.outgoing("j", "p", 0, Duration.ofMinutes(20), NOW, true, 1000)
                .withDebounceKey("k:ey\n2");

        assertThat(out.delaySeconds()).isEqualTo(900);
        Envelope e = SqsMessages.envelope(out.body());
        assertThat(e).isEqualTo(new Envelope("j", "p", 0, NOW + Duration.ofMinutes(20).toMillis(), true, "k:ey\n2"));
        assertThat(out.envelope()).isEqualTo(e);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "line\r\nbreak", "nul\u0000", "\uD800 unpaired", "emoji \uD83D\uDE00 and :\n: separators"})
    void everyJavaStringComesBackExactlyAsPayloadAndAsId(String s) {
        Outgoing out = SqsMessages.outgoing(s.isEmpty() ? "id" : s, s, 1, Duration.ZERO, NOW, false, 1000);

        assertThat(SqsMessages.needsEncoding(out.body())).as("SQS can carry the body").isFalse();
        Incoming in = SqsMessages.incoming(received(out.body(), 1));
        assertThat(in.payload()).isEqualTo(s);
        assertThat(in.jobId()).isEqualTo(s.isEmpty() ? "id" : s);
    }

    @Test
    void aBodyOnlyCharactersSqsCarriesNeedIsSentAsItIsAndOtherwiseInBase64() {
        assertThat(SqsMessages.outgoing("i", "plain", 0, Duration.ZERO, NOW, false, 1000).body()).startsWith("aq1:");
        assertThat(SqsMessages.outgoing("i", "cr\r", 0, Duration.ZERO, NOW, false, 1000).body()).startsWith("aq1b:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"task\":\"t\"}", "aq1:", "aq1:x:0::1:a:0:\np", "aq1:0:0::9:short:0:\np",
        "aq1:0:0::5:job-1:0:p", "aq1:0:0::0::0:\np", "aq1:-1:0::1:a:0:\np", "aq1:0:0::1:a:99999999999999999999:\np",
        "aq1:9999999999999999999:0::1:a:0:\np", "aq1:999999999999999999:0::1:a:0:\np", "aq1:4294967296:0::1:a:0:\np",
        "aq1:0:0:D:1:a:0:\np", "aq1:0:0:x\n:1:a:0:\np", "aq1b:not base64!", "aq1b:" + "YQ==", "aq1b:AGEA", ""})
    void aBodyNotInTheFormIsAForeignJobWithItsBodyAsPayloadAndTheSqsIdAsId(String body) {
        Incoming in = SqsMessages.incoming(received(body, 1));

        assertThat(in.ours()).isFalse();
        assertThat(in.payload()).isEqualTo(body);
        assertThat(in.jobId()).isEqualTo("sqs-id");
        assertThat(in.generation()).isZero();
    }

    @Test
    void aPayloadOverTheLimitIsRefusedAndTheHeaderHasItsOwnAllowance() {
        assertThat(SqsMessages.outgoing("i".repeat(500), "p".repeat(100), 0, Duration.ZERO, NOW, false, 100).body())
                .hasSizeGreaterThan(600);
        assertThatThrownBy(() -> SqsMessages.outgoing("i", "p".repeat(101), 0, Duration.ZERO, NOW, false, 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a payload of 101 bytes")
                .hasMessageContaining("limit of 100 bytes");
        assertThatThrownBy(() -> SqsMessages.outgoing("i".repeat(2000), "p", 0, Duration.ZERO, NOW, false, 100))
                .as("an id too long for the header's allowance").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aJobThatPassesTheCheckStillFitsOnceItsHeaderGrowsForARetryTheErrorQueueOrADebounceKey() {
        int limit = 2000;
        for (String payload : new String[] {"p".repeat(limit), "\r".repeat(limit / 3)}) {
            Outgoing first = firstThatFits(payload, limit);
            Outgoing grown = SqsMessages.outgoing(first.envelope().jobId(), first.envelope().payload(), 4_294_967_295L,
                    Duration.ofDays(3650), NOW, true, Integer.MAX_VALUE).withDebounceKey("k".repeat(64));
            assertThat(SqsMessages.utf8Length(grown.body())).as("the largest the job's body can become")
                    .isLessThanOrEqualTo(limit + SqsMessages.HEADER_RESERVE);
        }
    }

    /** The job with the longest id that passes the check, for a payload at or near the limit. */
    private static Outgoing firstThatFits(String payload, int limit) {
        Outgoing fits = null;
        for (int idLength = 1; idLength < 2 * SqsMessages.HEADER_RESERVE; idLength++) {
            try {
                fits = SqsMessages.outgoing("i".repeat(idLength), payload, 0, Duration.ZERO, NOW, false, limit);
            } catch (IllegalArgumentException tooLarge) {
                assertThat(fits).as("some id fits").isNotNull();
                return fits;
            }
        }
        throw new AssertionError("no id was too long");
    }

    private static Message received(String body, int receiveCount) {
        return Message.builder().body(body).messageId("sqs-id").receiptHandle("r")
                .attributes(Map.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, Integer.toString(receiveCount),
                        MessageSystemAttributeName.SENT_TIMESTAMP, Long.toString(NOW)))
                .build();
    }
}
