package dev.actionqueues.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.codec.StringCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The connections' codec without Redis: well-formed strings as plain UTF-8, strings with unpaired
 * surrogates back exactly, bytes that are not UTF-8 read as Java reads them.
 */
class ExactStringCodecTest {

    private static final ExactStringCodec CODEC = ExactStringCodec.INSTANCE;

    private static byte[] viaByteBuf(String s) {
        ByteBuf buf = Unpooled.buffer(CODEC.estimateSize(s));
        CODEC.encodeValue(s, buf);
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }

    private static byte[] viaByteBuffer(String s) {
        ByteBuffer b = CODEC.encodeValue(s);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static String decode(byte[] bytes) {
        return CODEC.decodeValue(ByteBuffer.wrap(bytes));
    }

    @Test
    void wellFormedStringsAreWrittenAsPlainUtf8() {
        for (String s : List.of("", "ascii", "d'\u00c9vry \u65e5\u672c \ud83d\ude00", "\uFFFD replacement", "\u0000")) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            assertThat(viaByteBuf(s)).isEqualTo(utf8);
            assertThat(viaByteBuffer(s)).isEqualTo(utf8);
            assertThat(ExactStringCodec.bytes(s)).isEqualTo(utf8);
            assertThat(decode(utf8)).isEqualTo(s);
            assertThat(CODEC.estimateSize(s)).isGreaterThanOrEqualTo(utf8.length);
        }
    }

    @Test
    void anUnpairedSurrogateIsWrittenAsTheThreeBytesOfItsCodeUnitAndReadBack() {
        assertThat(viaByteBuf("a\uD800b")).containsExactly('a', 0xED, 0xA0, 0x80, 'b');
        assertThat(viaByteBuffer("\uDFFF")).containsExactly(0xED, 0xBF, 0xBF);
        assertThat(viaByteBuf("\uD83D\uDE00\uD83D")).containsExactly(0xF0, 0x9F, 0x98, 0x80, 0xED, 0xA0, 0xBD);
        assertThat(decode(new byte[] {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80, 'b'})).isEqualTo("a\uD800b");
        // Lettuce's own codec loses it: the defect this codec fixes.
        assertThat(StringCodec.UTF8.decodeValue(StringCodec.UTF8.encodeValue("a\uD800b"))).isEqualTo("a?b");
    }

    @Test
    void randomStringsOfAnyCodeUnitsComeBackExactly() {
        Random random = new Random(42);
        char[] interesting = {'a', '|', '?', '\u00e9', '\u07ff', '\u0800', '\uD7FF', '\uD800', '\uDBFF', '\uDC00',
            '\uDFFF', '\uE000', '\uFFFD', '\uFFFF'};
        for (int i = 0; i < 20_000; i++) {
            char[] chars = new char[random.nextInt(12)];
            for (int j = 0; j < chars.length; j++) {
                chars[j] = random.nextBoolean() ? interesting[random.nextInt(interesting.length)]
                        : (char) random.nextInt(Character.MAX_VALUE + 1);
            }
            String s = new String(chars);
            byte[] bytes = viaByteBuf(s);
            assertThat(viaByteBuffer(s)).isEqualTo(bytes);
            assertThat(ExactStringCodec.bytes(s)).isEqualTo(bytes);
            assertThat(bytes.length).isLessThanOrEqualTo(CODEC.estimateSize(s));
            assertThat(decode(bytes)).as("string %s", s.chars().mapToObj(Integer::toHexString).toList())
                    .isEqualTo(s);
        }
    }

    @Test
    void bytesThatAreNotUtf8ReadAsJavaReadsThem() {
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(10)];
            random.nextBytes(bytes);
            if (containsEncodedSurrogate(bytes)) {
                continue;
            }
            assertThat(decode(bytes)).isEqualTo(new String(bytes, StandardCharsets.UTF_8));
        }
        // A cut-off surrogate is not one: it reads as one U+FFFD, as Java reads it.
        assertThat(decode(new byte[] {(byte) 0xFF, 'x', (byte) 0xED, (byte) 0xA0})).isEqualTo("\uFFFDx\uFFFD");
    }

    private static boolean containsEncodedSurrogate(byte[] b) {
        for (int i = 0; i + 2 < b.length; i++) {
            if (b[i] == (byte) 0xED && (b[i + 1] & 0xE0) == 0xA0 && (b[i + 2] & 0xC0) == 0x80) {
                return true;
            }
        }
        return false;
    }

    @Test
    void debounceKeysThatDifferOnlyInAnUnpairedSurrogateGetDifferentFields() {
        assertThat(RedisKeys.debounceField("k\uD800")).isNotEqualTo(RedisKeys.debounceField("k?"))
                .isNotEqualTo(RedisKeys.debounceField("k\uDBFF")).hasSize(64);
        assertThat(RedisKeys.debounceField("k")).isEqualTo(RedisKeys.debounceField("k"));
    }
}
