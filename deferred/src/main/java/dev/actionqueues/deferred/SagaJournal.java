package dev.actionqueues.deferred;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A saga's journal as it is stored (JSON, read and written by the engine only): the definition's
 * step names, the arguments, the status and, per step and direction, the attempts. Mutable; owned
 * by the one runner holding the saga's lease.
 */
final class SagaJournal {

    static final int VERSION = 1;

    public int version = VERSION;
    public String name;
    public List<String> steps = new ArrayList<>();
    public JsonNode args;
    public String status;
    public String error;
    /** Whether the compensation under way was asked for by a cancellation. */
    public boolean cancelled;
    public Long deadlineAt;
    public long createdAt;
    public long updatedAt;
    public Map<String, JsonNode> outputs = new LinkedHashMap<>();
    public List<Entry> entries = new ArrayList<>();

    /** One step of the journal. */
    static final class Entry {
        public String step;
        public Run execute = new Run();
        public Run compensate = new Run();
    }

    /** One direction of a step. */
    static final class Run {
        public SagaView.RunStatus status = SagaView.RunStatus.PENDING;
        public int attempts;
        public Long startedAt;
        public Long endedAt;
        public Long nextAt;
        public String lastError;

        SagaView.Run view() {
            return new SagaView.Run(status, attempts, instant(startedAt), instant(endedAt), lastError);
        }
    }

    SagaStatus status() {
        return SagaStatus.valueOf(status);
    }

    SagaView view(String id, boolean cancelRequested) {
        List<SagaView.Step> views = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            views.add(new SagaView.Step(e.step, e.execute.view(), e.compensate.view()));
        }
        return new SagaView(id, name, status(), views, error, cancelRequested, Instant.ofEpochMilli(createdAt),
                Instant.ofEpochMilli(updatedAt));
    }

    private static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }
}
