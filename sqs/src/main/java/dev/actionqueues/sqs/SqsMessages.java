package dev.actionqueues.sqs;

import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * How a job travels in an SQS message. The body is the payload; message attributes carry the job
 * id ({@value #ID}), the release generation that makes fencing tokens grow ({@value #GEN}), the due
 * time of a delay longer than SQS's 15 minutes ({@value #DUE}), a mark on the entries the library
 * dead-lettered itself ({@value #DEAD}), the (hashed) debounce key of a job pushed under debouncing
 * until it is claimed ({@value #DEBOUNCE}), and, for a payload SQS cannot carry as it is (empty, or with
 * characters outside SQS's allowed set, or a carriage return), its encoding ({@value #ENC}: the
 * UTF-16 code units in Base64, so every Java string comes back exactly).
 */
final class SqsMessages {

    static final String ID = "aq-id";
    static final String GEN = "aq-gen";
    static final String DUE = "aq-due";
    static final String ENC = "aq-enc";
    static final String DEAD = "aq-dead-lettered";
    static final String DEBOUNCE = "aq-debounce";
    static final List<String> ATTRIBUTE_NAMES = List.of(ID, GEN, DUE, ENC, DEAD, DEBOUNCE);
    private static final String ENC_UTF16_BASE64 = "utf16-base64";

    /** SQS's longest DelaySeconds. */
    static final int MAX_NATIVE_DELAY_SECONDS = 900;
    /** Bytes of the message size kept for the attributes above: the payload gets the rest. */
    static final int ATTRIBUTE_RESERVE = 1024;

    private SqsMessages() {
    }

    /**
     * A message to send.
     *
     * @param delaySeconds the per-message delay; null on a FIFO queue, which has none
     * @param groupId the message group id on a FIFO queue, else null
     * @param deduplicationId the deduplication id on a FIFO queue, else null
     */
    record Outgoing(String body, Map<String, MessageAttributeValue> attributes, Integer delaySeconds, String groupId,
            String deduplicationId) {

        Outgoing(String body, Map<String, MessageAttributeValue> attributes, int delaySeconds) {
            this(body, attributes, Integer.valueOf(delaySeconds), null, null);
        }

        /** This message for a FIFO queue: no per-message delay, a message group and a deduplication id. */
        Outgoing inFifo(String group, String deduplication) {
            if (delaySeconds != null && delaySeconds > 0) {
                throw new IllegalArgumentException("SQS FIFO queues have no per-message delay");
            }
            return new Outgoing(body, attributes, null, group, deduplication);
        }

        /** This message carrying a debounce key, or as it is if {@code key} is null. */
        Outgoing withDebounceKey(String key) {
            if (key == null) {
                return this;
            }
            Map<String, MessageAttributeValue> all = new HashMap<>(attributes);
            all.put(DEBOUNCE, string(key));
            return new Outgoing(body, Map.copyOf(all), delaySeconds, groupId, deduplicationId);
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
     * @throws IllegalArgumentException if the encoded body exceeds {@code maxBodyBytes}
     */
    static Outgoing outgoing(String id, String payload, long generation, Duration delay, long nowMillis,
            boolean deadLettered, int maxBodyBytes) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        attributes.put(ID, string(id));
        attributes.put(GEN, MessageAttributeValue.builder().dataType("Number").stringValue(Long.toString(generation))
                .build());
        String body = payload;
        if (needsEncoding(payload)) {
            body = Base64.getEncoder().encodeToString(codeUnits(payload));
            attributes.put(ENC, string(ENC_UTF16_BASE64));
            if (body.isEmpty()) {
                body = "-";
            }
        }
        int bytes = utf8Length(body);
        if (bytes > maxBodyBytes) {
            throw new IllegalArgumentException("a payload of " + utf8Length(payload) + " bytes (" + bytes
                    + " as an SQS message body) is over the limit of " + maxBodyBytes + " bytes");
        }
        long delaySeconds = ceilSeconds(delay);
        if (delaySeconds > MAX_NATIVE_DELAY_SECONDS) {
            attributes.put(DUE, MessageAttributeValue.builder().dataType("Number")
                    .stringValue(Long.toString(nowMillis + delay.toMillis())).build());
            delaySeconds = MAX_NATIVE_DELAY_SECONDS;
        }
        if (deadLettered) {
            attributes.put(DEAD, string("1"));
        }
        return new Outgoing(body, Map.copyOf(attributes), (int) delaySeconds);
    }

    /** Decodes a received message; one that was not sent by this library keeps its body and SQS id. */
    static Incoming incoming(Message m) {
        Map<String, MessageAttributeValue> a = m.messageAttributes();
        String id = value(a, ID);
        String payload = m.body();
        if (ENC_UTF16_BASE64.equals(value(a, ENC))) {
            String body = "-".equals(payload) ? "" : payload;
            payload = fromCodeUnits(Base64.getDecoder().decode(body));
        }
        long gen = parseLong(value(a, GEN), 0);
        long due = parseLong(value(a, DUE), 0);
        int receives = (int) Math.max(1, parseLong(m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT), 1));
        long sent = parseLong(m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP), 0);
        return new Incoming(id != null && !id.isBlank() ? id : m.messageId(), payload, gen, due, receives, sent,
                m.receiptHandle(), m.messageId(), id != null, value(a, DEAD) != null, value(a, DEBOUNCE));
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

    private static MessageAttributeValue string(String v) {
        return MessageAttributeValue.builder().dataType("String").stringValue(v).build();
    }

    private static String value(Map<String, MessageAttributeValue> a, String name) {
        MessageAttributeValue v = a == null ? null : a.get(name);
        return v == null ? null : v.stringValue();
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
