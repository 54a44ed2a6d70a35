package dev.actionqueues.deferred;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** JSON encoding of jobs, error entries and debounce keys; thread-safe. */
final class Codec {

    private final ObjectMapper mapper;
    private final ObjectReader payloadReader;
    private final ObjectWriter payloadWriter;

    /**
     * The mapper jobs are encoded with: a copy of {@code mapper} (a plain one if null) that reads
     * and writes {@code java.time} values as ISO-8601 strings and ignores fields it does not know,
     * so that a field added to a job's arguments does not break consumers that are not yet updated.
     */
    static ObjectMapper argumentsMapper(ObjectMapper mapper) {
        ObjectMapper m = mapper == null ? new ObjectMapper() : mapper.copy();
        if (!m.getRegisteredModuleIds().contains(new JavaTimeModule().getTypeId())) {
            m.registerModule(new JavaTimeModule());
        }
        return m.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

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

    /**
     * What a run needs of a job, with the arguments already in the task's type. {@code job} has the
     * task, attempts, TTL, enqueue time and metadata of the payload but not its arguments: a path
     * that re-encodes the job (retry, error queue) reads the whole payload with {@link #read}.
     */
    record RunView(JobPayload job, Object args) {
    }

    /**
     * Reads a job for running in one streaming pass: the arguments, which follow the task name in
     * every payload this codec writes, are read straight into the type {@code argsReaderFor} gives
     * for the task, with no intermediate tree. Returns null whenever this path cannot decide (a
     * parse error, an unknown task, arguments that do not fit, fields in another order, an error
     * entry); the caller then takes the full path, which finds and reports the exact reason.
     */
    RunView readForRun(String json, Function<String, ObjectReader> argsReaderFor) {
        try (JsonParser p = mapper.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String task = null;
            Object args = null;
            boolean haveArgs = false;
            int attempts = 0;
            Long ttl = null;
            Long queuedAt = null;
            long lastPushTime = 0;
            Map<String, JsonNode> metadata = null;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "task" -> {
                        if (value != JsonToken.VALUE_STRING || haveArgs) {
                            return null;
                        }
                        task = p.getText();
                    }
                    case "args" -> {
                        ObjectReader reader = task == null || haveArgs ? null : argsReaderFor.apply(task);
                        if (reader == null) {
                            return null;
                        }
                        // A JSON null too goes through the reader: its null value (NullNode, Optional.empty()...).
                        args = reader.readValue(p);
                        haveArgs = true;
                    }
                    case "attempts" -> {
                        if (value != JsonToken.VALUE_NUMBER_INT) {
                            return null;
                        }
                        attempts = p.getIntValue();
                    }
                    case "ttl_ms" -> ttl = optionalLong(p, value);
                    case "item_queued_timestamp" -> queuedAt = optionalLong(p, value);
                    case "metadata" -> metadata = optionalObject(p, value);
                    case "v" -> {
                        if (value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                            return null;
                        }
                    }
                    case "first_push_time", "last_push_time" -> {
                        if (value != JsonToken.VALUE_NUMBER_INT
                                || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                            return null;
                        }
                        if (field.equals("last_push_time")) {
                            lastPushTime = p.getLongValue();
                        }
                    }
                    case "group" -> {
                        if (value != JsonToken.VALUE_STRING) {
                            return null;
                        }
                    }
                    case "error", "raw" -> {
                        return null;
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || !haveArgs || p.nextToken() != null) {
                return null;
            }
            return new RunView(new JobPayload(JobPayload.VERSION, task, null, null, attempts, 0, lastPushTime, ttl,
                    queuedAt,
                    metadata, null, null), args);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Long optionalLong(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw new JsonParseException(p, "not an integer");
        }
        return p.getLongValue();
    }

    private static Map<String, JsonNode> optionalObject(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.START_OBJECT) {
            throw new JsonParseException(p, "not an object");
        }
        JsonNode tree = p.readValueAsTree();
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : tree.properties()) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
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
