package dev.actionqueues.sqs;

import java.time.Duration;
import java.util.Base64;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * How a job travels in an SQS message: in the body, after a one-line header, and without message
 * attributes, which cost SQS and the SDK more per message than the same bytes in the body (measured:
 * asking for two message attributes with each receive cut the raw loop's rate by 16–28 %; see
 * {@code BENCHMARKS.md}). The header carries the job id, the release generation that makes fencing
 * tokens grow, the due time of a delay longer than SQS's 15 minutes, a mark on the entries the
 * library dead-lettered itself and the (hashed) debounce key of a job pushed under debouncing:
 *
 * <pre>aq1:&lt;generation&gt;:&lt;due millis, 0 if none&gt;:&lt;flags&gt;:&lt;id length&gt;:&lt;id&gt;:&lt;key length&gt;:&lt;key&gt;\n&lt;payload&gt;</pre>
 *
 * <p>Flags: {@code d} for dead-lettered by the library. Lengths count UTF-16 code units, so an id
 * or key may hold any character, the separator included. A body SQS could not carry as it is (with
 * characters outside SQS's allowed set, or a carriage return) is sent as {@code aq1b:} and the
 * UTF-16 code units of the whole header and payload in Base64, so every Java string comes back
 * exactly. A body in neither form (sent by something else) is a job with that body as its payload
 * and SQS's message id as its id.
 */
final class SqsMessages {

    private static final String MAGIC = "aq1:";
    private static final String MAGIC_BASE64 = "aq1b:";
    private static final char DEAD_FLAG = 'd';

    /** SQS's longest DelaySeconds. */
    static final int MAX_NATIVE_DELAY_SECONDS = 900;
    /** Bytes of the message size kept for the header: the payload gets the rest. */
    static final int HEADER_RESERVE = 1024;
    /**
     * How many characters a header may grow by after the first send's check: a dead-letter mark, a
     * generation and a due time of full width, a debounce key (a SHA-256 in hex). Checked at the
     * first send, so a retry, a move to the error queue or a debounced send of the job still fits.
     */
    private static final int HEADER_GROWTH = 1 + 10 + 13 + 2 + 64;
    /** The largest generation: it is the high half of a fencing token. */
    private static final long MAX_GENERATION = 0xFFFF_FFFFL;

    private SqsMessages() {
    }

    /** What the header and body of a message carry. */
    record Envelope(String jobId, String payload, long generation, long dueMillis, boolean deadLettered,
            String debounceKey) {

        /** The body: header and payload, in Base64 if SQS could not carry them as they are. */
        String body() {
            StringBuilder b = new StringBuilder(payload.length() + jobId.length() + 48).append(MAGIC)
                    .append(generation).append(':').append(dueMillis).append(':');
            if (deadLettered) {
                b.append(DEAD_FLAG);
            }
            b.append(':').append(jobId.length()).append(':').append(jobId).append(':');
            String key = debounceKey == null ? "" : debounceKey;
            b.append(key.length()).append(':').append(key).append('\n').append(payload);
            String plain = b.toString();
            return needsEncoding(plain) ? MAGIC_BASE64 + Base64.getEncoder().encodeToString(codeUnits(plain)) : plain;
        }
    }

    /**
     * A message to send.
     *
     * @param delaySeconds the per-message delay; null on a FIFO queue, which has none
     * @param groupId the message group id on a FIFO queue, else null
     * @param deduplicationId the deduplication id on a FIFO queue, else null
     */
    record Outgoing(Envelope envelope, String body, Integer delaySeconds, String groupId, String deduplicationId) {

        /** This message for a FIFO queue: no per-message delay, a message group and a deduplication id. */
        Outgoing inFifo(String group, String deduplication) {
            if (delaySeconds != null && delaySeconds > 0) {
                throw new IllegalArgumentException("SQS FIFO queues have no per-message delay");
            }
            return new Outgoing(envelope, body, null, group, deduplication);
        }

        /** This message carrying a debounce key, or as it is if {@code key} is null. */
        Outgoing withDebounceKey(String key) {
            if (key == null) {
                return this;
            }
            Envelope e = new Envelope(envelope.jobId(), envelope.payload(), envelope.generation(),
                    envelope.dueMillis(), envelope.deadLettered(), key);
            return new Outgoing(e, e.body(), delaySeconds, groupId, deduplicationId);
        }
    }

    /** A received message, decoded. */
    record Incoming(String jobId, String payload, long generation, long dueMillis, int receiveCount,
            long sentMillis, String receipt, String messageId, boolean ours, boolean deadLettered,
            String debounceKey) {

        /** The fencing token: the generation in the high half, the receive count in the low half. */
        long fencingToken() {
            return (generation << 32) | (receiveCount & 0xFFFF_FFFFL);
        }
    }

    /**
     * Encodes a job.
     *
     * @param nowMillis the sender's clock, for the due time of a long delay
     * @throws IllegalArgumentException if the payload exceeds {@code maxPayloadBytes}, or the body
     *     (header and payload, encoded), with room for the header to grow later, the payload limit
     *     plus {@link #HEADER_RESERVE}
     */
    static Outgoing outgoing(String id, String payload, long generation, Duration delay, long nowMillis,
            boolean deadLettered, int maxPayloadBytes) {
        long delaySeconds = ceilSeconds(delay);
        long due = 0;
        if (delaySeconds > MAX_NATIVE_DELAY_SECONDS) {
            due = nowMillis + delay.toMillis();
            delaySeconds = MAX_NATIVE_DELAY_SECONDS;
        }
        Envelope envelope = new Envelope(id, payload, generation, due, deadLettered, null);
        String body = envelope.body();
        if (maxPayloadBytes != Integer.MAX_VALUE) {
            int payloadBytes = utf8Length(payload);
            if (payloadBytes > maxPayloadBytes) {
                throw new IllegalArgumentException("a payload of " + payloadBytes + " bytes is over the limit of "
                        + maxPayloadBytes + " bytes");
            }
            boolean base64 = body.startsWith(MAGIC_BASE64);
            // A plain body is the header and then the payload, whose bytes are counted already.
            long bodyBytes = base64 ? body.length()
                    : payloadBytes + (long) utf8Length(body.substring(0, body.length() - payload.length()));
            // In Base64 each character of growth is two UTF-16 bytes, 8/3 characters once encoded.
            long worstBody = bodyBytes + (base64 ? 3L * HEADER_GROWTH : HEADER_GROWTH);
            if (worstBody > (long) maxPayloadBytes + HEADER_RESERVE) {
                throw new IllegalArgumentException("a job of " + payloadBytes + " payload bytes with id of "
                        + id.length() + " characters takes up to " + worstBody + " bytes as an SQS message body,"
                        + " over the limit of " + ((long) maxPayloadBytes + HEADER_RESERVE) + " bytes"
                        + (base64 ? " (it holds characters SQS cannot carry, so it is sent"
                                + " in Base64)" : ""));
            }
        }
        return new Outgoing(envelope, body, (int) delaySeconds, null, null);
    }

    /** Decodes a received message; one that was not sent by this library keeps its body and SQS id. */
    static Incoming incoming(Message m) {
        int receives = (int) Math.max(1, parseLong(m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT), 1));
        long sent = parseLong(m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP), 0);
        Envelope e = envelope(m.body());
        if (e == null) {
            return new Incoming(m.messageId(), m.body(), 0, 0, receives, sent, m.receiptHandle(), m.messageId(),
                    false, false, null);
        }
        return new Incoming(e.jobId(), e.payload(), e.generation(), e.dueMillis(), receives, sent, m.receiptHandle(),
                m.messageId(), true, e.deadLettered(), e.debounceKey());
    }

    /**
     * The envelope of a body this library sent, or null if it is not one (not in the form, or its
     * header damaged or cut short; the payload has no length of its own, so a cut there is not seen).
     */
    static Envelope envelope(String body) {
        if (body == null) {
            return null;
        }
        String plain = body;
        if (body.startsWith(MAGIC_BASE64)) {
            byte[] units;
            try {
                units = Base64.getDecoder().decode(body.substring(MAGIC_BASE64.length()));
            } catch (IllegalArgumentException notBase64) {
                return null;
            }
            if (units.length % 2 != 0) {
                return null;
            }
            plain = fromCodeUnits(units);
        }
        if (!plain.startsWith(MAGIC)) {
            return null;
        }
        Cursor c = new Cursor(plain, MAGIC.length());
        long generation = c.number(':');
        long due = c.number(':');
        String flags = c.until(':');
        String id = c.counted(':');
        String key = c.counted('\n');
        if (c.failed || flags == null || id == null || key == null || generation > MAX_GENERATION || id.isEmpty()
                || !flags.chars().allMatch(ch -> ch >= 'a' && ch <= 'z')) {
            return null;
        }
        return new Envelope(id, plain.substring(c.at), generation, due, flags.indexOf(DEAD_FLAG) >= 0,
                key.isEmpty() ? null : key);
    }

    /** Reads a header's fields in order; {@code failed} once one is not as expected. */
    private static final class Cursor {
        private final String s;
        int at;
        boolean failed;

        Cursor(String s, int at) {
            this.s = s;
            this.at = at;
        }

        /** The text up to {@code end}, which is skipped. */
        String until(char end) {
            int i = failed ? -1 : s.indexOf(end, at);
            if (i < 0) {
                failed = true;
                return null;
            }
            String v = s.substring(at, i);
            at = i + 1;
            return v;
        }

        /** A non-negative decimal number of at most 18 digits up to {@code end}; -1 if it is not one. */
        long number(char end) {
            String v = until(end);
            if (v == null || v.isEmpty() || v.length() > 18 || !v.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                failed = true;
                return -1;
            }
            return Long.parseLong(v);
        }

        /** A length, ':', that many code units, then {@code end}. */
        String counted(char end) {
            long n = number(':');
            if (failed || n > s.length() - at - 1 || s.charAt(at + (int) n) != end) {
                failed = true;
                return null;
            }
            String v = s.substring(at, at + (int) n);
            at += (int) n + 1;
            return v;
        }
    }

    /** Whole seconds, rounded up, so a delay or lease is never shorter than asked. */
    static long ceilSeconds(Duration d) {
        long s = d.getSeconds();
        return d.getNano() > 0 ? s + 1 : s;
    }

    /** Whether SQS could not carry {@code s} as a message body exactly. */
    static boolean needsEncoding(String s) {
        if (s.isEmpty()) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return true;
            }
            boolean allowed = c == '\t' || c == '\n' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
            if (!allowed) {
                return true;
            }
        }
        return false;
    }

    /** The UTF-8 length of a string without surrogate errors (an unpaired one counts 3 bytes). */
    static int utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    /** The UTF-16 code units, big-endian, unpaired surrogates included (a charset would replace them). */
    private static byte[] codeUnits(String s) {
        byte[] b = new byte[s.length() * 2];
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b[2 * i] = (byte) (c >>> 8);
            b[2 * i + 1] = (byte) c;
        }
        return b;
    }

    private static String fromCodeUnits(byte[] b) {
        char[] c = new char[b.length / 2];
        for (int i = 0; i < c.length; i++) {
            c[i] = (char) (((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF));
        }
        return new String(c);
    }

    private static long parseLong(String s, long fallback) {
        if (s == null) {
            return fallback;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
