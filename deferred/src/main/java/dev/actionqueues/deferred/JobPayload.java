package dev.actionqueues.deferred;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The wire format of a job (JSON), keeping the field names of the Python {@code deferrable} items
 * where they still mean something. Times are epoch milliseconds. An error-queue entry is the job
 * plus {@code error}; an entry for a payload that did not parse carries it verbatim in {@code raw}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
record JobPayload(
        @JsonProperty("v") int version,
        @JsonProperty("task") String task,
        @JsonProperty("args") JsonNode args,
        @JsonProperty("group") String group,
        @JsonProperty("attempts") int attempts,
        @JsonProperty("first_push_time") long firstPushTime,
        @JsonProperty("last_push_time") long lastPushTime,
        @JsonProperty("ttl_ms") Long ttlMillis,
        @JsonProperty("item_queued_timestamp") Long queuedAt,
        @JsonProperty("metadata") Map<String, JsonNode> metadata,
        @JsonProperty("error") ErrorJson error,
        @JsonProperty("raw") String raw) {

    static final int VERSION = 1;

    JobPayload withRetry(int newAttempts, long newLastPushTime) {
        return new JobPayload(version, task, args, group, newAttempts, firstPushTime, newLastPushTime, ttlMillis,
                queuedAt, metadata, null, null);
    }

    JobPayload withError(ErrorJson newError, long now) {
        return new JobPayload(version, task, args, group, attempts, firstPushTime, now, ttlMillis, queuedAt,
                metadata, newError, raw);
    }

    /** The job as replayed from the error queue: attempts reset, enqueue time now, no error. */
    JobPayload replayed(long now) {
        return new JobPayload(version, task, args, group, 0, firstPushTime, now, ttlMillis,
                ttlMillis == null ? null : now, metadata, null, null);
    }

    /** The error part of an error-queue entry (the ported library's field names plus reason and attempts). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ErrorJson(
            @JsonProperty("error_type") String type,
            @JsonProperty("error_text") String text,
            @JsonProperty("traceback") String traceback,
            @JsonProperty("hostname") String hostname,
            @JsonProperty("ts") long ts,
            @JsonProperty("reason") String reason,
            @JsonProperty("attempts") int attempts) {
    }
}
