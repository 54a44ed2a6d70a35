package dev.actionqueues.deferred;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * What a saga step sees while it runs: the saga id, the step, the direction and attempt, a stable
 * idempotency key, and the saga's step outputs — small values a step stores for later steps and
 * compensations ({@link #put}, {@link #get}), kept as JSON in the journal (64 KiB in all) and
 * saved when the attempt ends, whatever its outcome. Not thread-safe: use it on the step's thread.
 */
public final class SagaContext {

    /** The most the outputs of one saga may take, as JSON: 64 KiB. */
    public static final int MAX_OUTPUT_BYTES = 64 * 1024;

    /** Which way a step runs. */
    public enum Direction {
        /** Forwards: the step's execute. */
        EXECUTE,
        /** Backwards: the step's compensate. */
        COMPENSATE
    }

    private final String sagaId;
    private final String step;
    private final Direction direction;
    private final int attempt;
    private final Map<String, JsonNode> outputs;
    private final ObjectMapper mapper;

    SagaContext(String sagaId, String step, Direction direction, int attempt, Map<String, JsonNode> outputs,
            ObjectMapper mapper) {
        this.sagaId = sagaId;
        this.step = step;
        this.direction = direction;
        this.attempt = attempt;
        this.outputs = outputs;
        this.mapper = mapper;
    }

    /** @return the saga id */
    public String sagaId() {
        return sagaId;
    }

    /** @return the step's name */
    public String step() {
        return step;
    }

    /** @return whether this is the step's execute or its compensate */
    public Direction direction() {
        return direction;
    }

    /** @return which attempt of this direction this is, from 1 */
    public int attempt() {
        return attempt;
    }

    /**
     * A key for this step and direction that stays the same across attempts and workers:
     * {@code <sagaId>:<step>:execute} or {@code <sagaId>:<step>:compensate}. Pass it to the remote
     * API the step calls, so that a repeated call has no second effect.
     *
     * @return the key
     */
    public String idempotencyKey() {
        return sagaId + ":" + step + ":" + (direction == Direction.EXECUTE ? "execute" : "compensate");
    }

    /**
     * Stores a step output under {@code key}, replacing any before, for the later steps and the
     * compensations to read.
     *
     * @param key the key
     * @param value a value Jackson writes as JSON; null removes the key
     * @throws IllegalArgumentException if the value does not serialise, or the outputs would exceed
     *     {@link #MAX_OUTPUT_BYTES}
     */
    public void put(String key, Object value) {
        Objects.requireNonNull(key, "key");
        if (value == null) {
            outputs.remove(key);
            return;
        }
        JsonNode node;
        try {
            node = mapper.valueToTree(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("saga output '" + key + "' does not serialise to JSON: "
                    + e.getMessage(), e);
        }
        JsonNode previous = outputs.put(key, node);
        int size = size();
        if (size > MAX_OUTPUT_BYTES) {
            if (previous == null) {
                outputs.remove(key);
            } else {
                outputs.put(key, previous);
            }
            throw new IllegalArgumentException("the outputs of saga " + sagaId + " would take " + size
                    + " bytes, over the limit of " + MAX_OUTPUT_BYTES);
        }
    }

    /**
     * Reads a step output.
     *
     * @param key the key
     * @param type the type to read it as
     * @param <T> the type
     * @return the value, or null if there is none
     * @throws IllegalArgumentException if it does not fit {@code type}
     */
    public <T> T get(String key, Class<T> type) {
        JsonNode node = outputs.get(Objects.requireNonNull(key, "key"));
        if (node == null) {
            return null;
        }
        try {
            return mapper.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("saga output '" + key + "' does not fit " + type.getName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    private int size() {
        try {
            return mapper.writeValueAsString(outputs).getBytes(StandardCharsets.UTF_8).length;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "SagaContext[" + idempotencyKey() + ", attempt " + attempt + "]";
    }
}
