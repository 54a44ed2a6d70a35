package dev.actionqueues.deferred;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** JSON encoding of jobs, error entries and debounce keys; thread-safe. */
final class Codec {

    private final ObjectMapper mapper;
    private final ObjectReader payloadReader;
    private final ObjectWriter payloadWriter;

    Codec(ObjectMapper mapper) {
        this.mapper = mapper;
        this.payloadReader = mapper.readerFor(JobPayload.class);
        this.payloadWriter = mapper.writerFor(JobPayload.class);
    }

    ObjectMapper mapper() {
        return mapper;
    }

    JobPayload read(String json) throws JsonProcessingException {
        return payloadReader.readValue(json);
    }

    byte[] writeBytes(JobPayload payload) {
        try {
            return payloadWriter.writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the job could not be encoded as JSON: " + e.getOriginalMessage(), e);
        }
    }

    String write(JobPayload payload) {
        return new String(writeBytes(payload), StandardCharsets.UTF_8);
    }

    JsonNode toTree(Object value) {
        return mapper.valueToTree(value);
    }

    /** A debounce key: a SHA-256 over the task, the group and the canonical JSON (or the explicit key). */
    static String debounceKey(String task, String group, JsonNode args, String explicitKey) {
        StringBuilder sb = new StringBuilder(task).append('\n').append(group).append('\n');
        if (explicitKey != null) {
            sb.append("key:").append(explicitKey);
        } else {
            sb.append("args:");
            canonical(args, sb);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** Canonical JSON: object fields sorted by name, no whitespace. */
    static void canonical(JsonNode node, StringBuilder sb) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            sb.append("null");
        } else if (node.isObject()) {
            List<String> names = new ArrayList<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
                names.add(it.next());
            }
            names.sort(null);
            sb.append('{');
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(com.fasterxml.jackson.databind.node.TextNode.valueOf(names.get(i))).append(':');
                canonical(node.get(names.get(i)), sb);
            }
            sb.append('}');
        } else if (node.isArray()) {
            sb.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                canonical(node.get(i), sb);
            }
            sb.append(']');
        } else {
            sb.append(node);
        }
    }

    static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        try (PrintWriter pw = new PrintWriter(out)) {
            t.printStackTrace(pw);
        }
        return out.toString();
    }

    static boolean hasMetadata(Map<String, JsonNode> metadata) {
        return metadata != null && !metadata.isEmpty();
    }
}
