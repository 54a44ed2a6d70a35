package dev.actionqueues.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actionqueues.deferred.ErrorEntry;
import dev.actionqueues.deferred.JobView;
import dev.actionqueues.deferred.QueueOverview;
import dev.actionqueues.deferred.SagaView;
import dev.actionqueues.deferred.spi.WorkerRecord;
import java.time.Instant;
import java.util.Locale;

/**
 * The JSON form of what {@link dev.actionqueues.deferred.QueueAdmin} returns, shared by the dashboard's
 * API and the command's {@code --json} output so both speak the same objects. Times are ISO-8601
 * text, durations milliseconds; absent values are JSON null. Stateless.
 */
public final class AdminJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AdminJson() {
    }

    /**
     * A group's overview: {@code group, waiting, delayed, inFlight, errors, oldestWaitingMs, at}.
     *
     * @param o the overview
     * @return its JSON
     */
    public static ObjectNode overview(QueueOverview o) {
        ObjectNode n = JSON.createObjectNode();
        n.put("group", o.group());
        n.put("waiting", o.waiting());
        n.put("delayed", o.delayed());
        n.put("inFlight", o.inFlight());
        n.put("errors", o.errors());
        n.put("oldestWaitingMs", o.oldestWaiting().map(d -> d.toMillis()).orElse(null));
        n.put("at", o.at().toString());
        return n;
    }

    /**
     * A job: {@code id, state, task, arguments, metadata, attempts, pushedAt, dueAt, leaseExpiresAt,
     * deliveries}, and {@code payload} when the payload does not parse.
     *
     * @param j the job
     * @return its JSON
     */
    public static ObjectNode job(JobView j) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", j.id());
        o.put("state", j.state().name().toLowerCase(Locale.ROOT));
        o.put("task", j.task());
        o.put("arguments", j.arguments());
        ObjectNode md = o.putObject("metadata");
        j.metadata().forEach(md::put);
        o.put("attempts", j.attempts());
        o.put("pushedAt", text(j.pushedAt()));
        o.put("dueAt", text(j.dueAt()));
        o.put("leaseExpiresAt", text(j.leaseExpiresAt()));
        o.put("deliveries", j.deliveries());
        if (j.task() == null) {
            o.put("payload", j.payload());
        }
        return o;
    }

    /**
     * A failed job: {@code id, task, arguments, type, message, reason, attempts, host, time}, and with
     * {@code detail} its {@code stackTrace} and raw {@code payload}.
     *
     * @param e the error-queue entry
     * @param detail whether to add the stack trace and payload
     * @return its JSON
     */
    public static ObjectNode error(ErrorEntry e, boolean detail) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", e.jobId());
        o.put("task", e.task());
        o.put("arguments", e.arguments());
        if (e.error() != null) {
            o.put("type", e.error().type());
            o.put("message", e.error().message());
            o.put("reason", e.error().reason());
            o.put("attempts", e.error().attempts());
            o.put("host", e.error().host());
            o.put("time", text(e.error().time()));
            if (detail) {
                o.put("stackTrace", e.error().stackTrace());
            }
        }
        if (detail) {
            o.put("payload", e.payload());
        }
        return o;
    }

    /**
     * A durable saga with its steps' execute and compensate runs.
     *
     * @param v the saga
     * @return its JSON
     */
    public static ObjectNode saga(SagaView v) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", v.id());
        o.put("name", v.name());
        o.put("status", v.status().name());
        o.put("error", v.error());
        o.put("cancelRequested", v.cancelRequested());
        o.put("createdAt", text(v.createdAt()));
        o.put("updatedAt", text(v.updatedAt()));
        ArrayNode steps = o.putArray("steps");
        for (SagaView.Step s : v.steps()) {
            ObjectNode step = steps.addObject();
            step.put("name", s.name());
            run(step.putObject("execute"), s.execute());
            run(step.putObject("compensate"), s.compensate());
        }
        return o;
    }

    private static void run(ObjectNode o, SagaView.Run run) {
        if (run == null) {
            return;
        }
        o.put("status", run.status().name());
        o.put("attempts", run.attempts());
        o.put("startedAt", text(run.startedAt()));
        o.put("endedAt", text(run.endedAt()));
        o.put("lastError", run.lastError());
    }

    /**
     * A worker seen: {@code name, host, pid, concurrency, inFlight, startedAt, lastSeen}.
     *
     * @param w the worker's record
     * @return its JSON
     */
    public static ObjectNode worker(WorkerRecord w) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", w.name());
        o.put("host", w.host());
        o.put("pid", w.pid());
        o.put("concurrency", w.concurrency());
        o.put("inFlight", w.inFlight());
        o.put("startedAt", text(w.startedAt()));
        o.put("lastSeen", text(w.lastSeen()));
        return o;
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
