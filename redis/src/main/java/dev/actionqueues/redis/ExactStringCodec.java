package dev.actionqueues.redis;

import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.codec.ToByteBufEncoder;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The codec of the backend's connections: UTF-8, byte for byte as {@link StringCodec#UTF8} writes it,
 * except that it also carries strings that are not well-formed UTF-16 exactly; stateless, so thread-safe.
 *
 * <p>Plain UTF-8 has no encoding for an unpaired surrogate: Lettuce writes {@code '?'} for it, so a
 * payload would come back changed. This codec writes such a code unit as the three bytes UTF-8 gives
 * every other code unit of the Basic Multilingual Plane (as WTF-8 does), and reads those bytes back as
 * that code unit. A string without unpaired surrogates (one scan of its chars tells) takes Lettuce's
 * own path, so every well-formed string has the same bytes as before; a reply is decoded a second time,
 * code unit by code unit, only if Lettuce's decoding gave a {@code U+FFFD}. Bytes that are neither UTF-8
 * nor such a code unit read as {@code U+FFFD}, as before.
 */
final class ExactStringCodec implements RedisCodec<String, String>, ToByteBufEncoder<String, String> {

    static final ExactStringCodec INSTANCE = new ExactStringCodec();

    private static final StringCodec UTF8 = StringCodec.UTF8;

    private ExactStringCodec() {
    }

    /** Returns the bytes this codec stores for {@code s}. */
    static byte[] bytes(String s) {
        return firstUnpaired(s) < 0 ? s.getBytes(StandardCharsets.UTF_8) : encodeExactly(s);
    }

    /** Returns the index of the first unpaired surrogate in {@code s}, or -1 if it is well-formed UTF-16. */
    static int firstUnpaired(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    /** UTF-8, with each unpaired surrogate written as the three bytes of its code unit. */
    private static byte[] encodeExactly(String s) {
        int n = s.length();
        byte[] out = new byte[n * 3];
        int at = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                out[at++] = (byte) c;
            } else if (c < 0x800) {
                out[at++] = (byte) (0xC0 | c >> 6);
                out[at++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out[at++] = (byte) (0xF0 | cp >> 18);
                out[at++] = (byte) (0x80 | cp >> 12 & 0x3F);
                out[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
                out[at++] = (byte) (0x80 | cp & 0x3F);
            } else {
                out[at++] = (byte) (0xE0 | c >> 12);
                out[at++] = (byte) (0x80 | c >> 6 & 0x3F);
                out[at++] = (byte) (0x80 | c & 0x3F);
            }
        }
        return Arrays.copyOf(out, at);
    }

    /** Reads UTF-8 as Lettuce does, then again code unit by code unit only if that gave a {@code U+FFFD}. */
    static String decode(ByteBuffer bytes) {
        String s = UTF8.decodeValue(bytes.duplicate());
        return s.indexOf('\uFFFD') < 0 ? s : decodeExactly(bytes.duplicate());
    }

    private static String decodeExactly(ByteBuffer in) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        // At most one char per byte: a 4-byte sequence gives 2, a 3-byte surrogate or a bad byte 1.
        CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
        while (true) {
            CoderResult r = decoder.decode(in, out, true);
            if (r.isUnderflow()) {
                break;
            }
            if (r.isOverflow()) {
                out = CharBuffer.allocate(out.capacity() * 2).put(out.flip());
            } else if (isEncodedSurrogate(in)) {
                int p = in.position();
                out.put((char) ((in.get(p) & 0x0F) << 12 | (in.get(p + 1) & 0x3F) << 6 | in.get(p + 2) & 0x3F));
                in.position(p + 3);
            } else {
                out.put('\uFFFD');
                in.position(in.position() + r.length());
            }
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    /** Whether {@code in} starts with the three bytes of a surrogate code unit (ED A0..BF 80..BF). */
    private static boolean isEncodedSurrogate(ByteBuffer in) {
        int p = in.position();
        return in.remaining() >= 3 && in.get(p) == (byte) 0xED && (in.get(p + 1) & 0xE0) == 0xA0
                && (in.get(p + 2) & 0xC0) == 0x80;
    }

    @Override
    public String decodeKey(ByteBuffer bytes) {
        return UTF8.decodeKey(bytes);
    }

    @Override
    public String decodeValue(ByteBuffer bytes) {
        return decode(bytes);
    }

    @Override
    public ByteBuffer encodeKey(String key) {
        return UTF8.encodeKey(key);
    }

    @Override
    public ByteBuffer encodeValue(String value) {
        return value == null || firstUnpaired(value) < 0 ? UTF8.encodeValue(value)
                : ByteBuffer.wrap(encodeExactly(value));
    }

    @Override
    public void encodeKey(String key, ByteBuf target) {
        UTF8.encodeKey(key, target);
    }

    @Override
    public void encodeValue(String value, ByteBuf target) {
        if (value == null || firstUnpaired(value) < 0) {
            UTF8.encodeValue(value, target);
        } else {
            target.writeBytes(encodeExactly(value));
        }
    }

    /** Lettuce's UTF-8 estimate, 3 bytes a char, which also bounds this codec's bytes. */
    @Override
    public int estimateSize(Object keyOrValue) {
        return UTF8.estimateSize(keyOrValue);
    }

    @Override
    public boolean isEstimateExact() {
        return false;
    }
}
