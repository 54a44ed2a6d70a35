package dev.actionqueues.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actionqueues.dashboard.DashboardHandler.Reply;
import dev.actionqueues.dashboard.DashboardHandler.Request;
import dev.actionqueues.deferred.BulkResult;
import dev.actionqueues.deferred.ErrorFilter;
import dev.actionqueues.deferred.ErrorPage;
import dev.actionqueues.deferred.JobViewPage;
import dev.actionqueues.deferred.QueueAdmin;
import dev.actionqueues.deferred.SagaStatus;
import dev.actionqueues.deferred.Sagas;
import dev.actionqueues.deferred.spi.JobState;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The dashboard's JSON API over {@link QueueAdmin} and {@link Sagas}: what each route reads or does,
 * and the JSON it answers. Paths are relative to {@code api/}:
 * <pre>
 * GET  session                                  who am I, access, read-only, CSRF token, groups
 * GET  overview                                 per group: depth by state, oldest waiting age, throughput
 * GET  groups/G/jobs?state=&amp;cursor=&amp;limit=        waiting | delayed | in_flight, keyset pages
 * GET  groups/G/jobs/ID                         a waiting or delayed job
 * POST groups/G/jobs/ID/delete | run-now
 * GET  groups/G/errors?task=&amp;errorClass=&amp;text=&amp;cursor=&amp;limit=
 * GET  groups/G/errors/ID
 * POST groups/G/errors/ID/replay | delete
 * POST groups/G/errors/replay-matching | delete-matching   (same filter parameters; capped)
 * POST groups/G/errors/purge                    body {"confirm": "G"}
 * GET  groups/G/sagas?status=&amp;offset=&amp;limit=   GET groups/G/sagas/ID
 * GET  groups/G/workers                         workers whose heartbeat was seen in the last 10 s
 * POST groups/G/sagas/ID/cancel | retry-compensation
 * </pre>
 * Thread-safe.
 */
final class DashboardApi {

    /** A worker counts as seen if its last heartbeat is this recent (it beats every second by default). */
    static final Duration WORKERS_SEEN = Duration.ofSeconds(10);

    private final Map<String, DashboardGroup> groups;
    private final boolean readOnly;
    private final int bulkCap;
    private final ObjectMapper json;

    DashboardApi(Map<String, DashboardGroup> groups, boolean readOnly, int bulkCap, ObjectMapper json) {
        this.groups = groups;
        this.readOnly = readOnly;
        this.bulkCap = bulkCap;
        this.json = json;
    }

    ObjectNode session(Operator operator, String csrfToken) {
        ObjectNode o = json.createObjectNode();
        o.put("operator", operator.name());
        o.put("canAct", !readOnly && operator.access().allows(Access.ACT));
        o.put("readOnly", readOnly);
        o.put("csrf", csrfToken);
        o.put("bulkCap", bulkCap);
        ArrayNode names = o.putArray("groups");
        groups.keySet().forEach(names::add);
        return o;
    }

    Reply route(Request r) {
        List<String> p = r.path();
        if (p.size() == 1 && p.get(0).equals("overview")) {
            return get(r, () -> overview());
        }
        if (p.size() < 3 || !p.get(0).equals("groups")) {
            return Reply.error(404, "no such API path");
        }
        DashboardGroup group = groups.get(p.get(1));
        if (group == null) {
            return Reply.error(404, "no group " + p.get(1));
        }
        QueueAdmin admin = group.deferrable().admin().actingAs("dashboard:" + r.operator().name());
        List<String> rest = p.subList(2, p.size());
        return switch (rest.get(0)) {
            case "jobs" -> jobs(r, admin, rest);
            case "errors" -> errors(r, admin, rest);
            case "sagas" -> sagas(r, group, rest);
            case "workers" -> rest.size() == 1 ? get(r, () -> {
                ArrayNode items = json.createArrayNode();
                admin.workers(WORKERS_SEEN).forEach(w -> items.add(AdminJson.worker(w)));
                return items;
            }) : Reply.error(404, "no such API path");
            default -> Reply.error(404, "no such API path");
        };
    }

    private Reply jobs(Request r, QueueAdmin admin, List<String> rest) {
        if (rest.size() == 1) {
            return get(r, () -> {
                JobState state = state(r.param("state"));
                JobViewPage page = admin.jobs(state, blankToNull(r.param("cursor")), limit(r.param("limit")));
                ObjectNode o = json.createObjectNode();
                ArrayNode items = o.putArray("jobs");
                page.jobs().forEach(j -> items.add(AdminJson.job(j)));
                o.put("next", page.next().orElse(null));
                return o;
            });
        }
        String id = rest.get(1);
        if (rest.size() == 2) {
            return get(r, () -> admin.job(id).<Object>map(AdminJson::job).orElse(null));
        }
        if (rest.size() == 3) {
            return switch (rest.get(2)) {
                case "delete" -> post(r, () -> done(admin.deleteJob(id), "no waiting job " + id));
                case "run-now" -> post(r, () -> done(admin.runNow(id), "no delayed job " + id));
                default -> Reply.error(404, "no such API path");
            };
        }
        return Reply.error(404, "no such API path");
    }

    private Reply errors(Request r, QueueAdmin admin, List<String> rest) {
        ErrorFilter filter = new ErrorFilter(r.param("task"), r.param("errorClass"), r.param("text"));
        if (rest.size() == 1) {
            return get(r, () -> {
                ErrorPage page = admin.errors(filter, blankToNull(r.param("cursor")), limit(r.param("limit")));
                ObjectNode o = json.createObjectNode();
                ArrayNode items = o.putArray("errors");
                page.entries().forEach(e -> items.add(AdminJson.error(e, false)));
                o.put("next", page.next().orElse(null));
                o.put("scanned", page.scanned());
                return o;
            });
        }
        String second = rest.get(1);
        if (rest.size() == 2) {
            return switch (second) {
                case "replay-matching" -> post(r, () -> bulk(admin.replayMatching(filter, bulkCap)));
                case "delete-matching" -> post(r, () -> bulk(admin.deleteMatching(filter, bulkCap)));
                case "purge" -> post(r, () -> {
                    String confirm = r.body() == null ? null : r.body().path("confirm").asText(null);
                    if (!admin.group().equals(confirm)) {
                        throw new IllegalArgumentException("type the group's name (" + admin.group()
                                + ") to confirm the purge");
                    }
                    return Map.of("purged", admin.purgeErrors());
                });
                default -> get(r, () -> admin.error(second).<Object>map(e -> AdminJson.error(e, true)).orElse(null));
            };
        }
        if (rest.size() == 3) {
            return switch (rest.get(2)) {
                case "replay" -> post(r, () -> done(admin.replay(second), "no failed job " + second));
                case "delete" -> post(r, () -> done(admin.deleteError(second), "no failed job " + second));
                default -> Reply.error(404, "no such API path");
            };
        }
        return Reply.error(404, "no such API path");
    }

    private Reply sagas(Request r, DashboardGroup group, List<String> rest) {
        Sagas sagas = group.deferrable().sagas();
        if (rest.size() == 1) {
            return get(r, () -> {
                String s = blankToNull(r.param("status"));
                SagaStatus status = s == null ? null : SagaStatus.valueOf(s.toUpperCase(Locale.ROOT));
                int offset = r.param("offset") == null ? 0 : Integer.parseInt(r.param("offset"));
                ArrayNode items = json.createArrayNode();
                sagas.list(status, offset, limit(r.param("limit"))).forEach(v -> items.add(AdminJson.saga(v)));
                return items;
            });
        }
        String id = rest.get(1);
        if (rest.size() == 2) {
            return get(r, () -> sagas.find(id).<Object>map(AdminJson::saga).orElse(null));
        }
        if (rest.size() == 3) {
            return switch (rest.get(2)) {
                case "cancel" -> post(r, () -> done(sagas.cancel(id), "saga " + id + " cannot be cancelled"));
                case "retry-compensation" -> post(r, () -> done(sagas.retryCompensation(id),
                        "saga " + id + " has no failed compensation"));
                default -> Reply.error(404, "no such API path");
            };
        }
        return Reply.error(404, "no such API path");
    }

    private ArrayNode overview() {
        ArrayNode out = json.createArrayNode();
        groups.forEach((name, g) -> {
            QueueAdmin admin = g.deferrable().admin();
            ObjectNode n = AdminJson.overview(admin.overview());
            out.add(n);
            ArrayNode workers = n.putArray("workers");
            admin.workers(WORKERS_SEEN).forEach(w -> workers.add(AdminJson.worker(w)));
            if (g.throughput() != null) {
                long[][] hour = g.throughput().lastHour();
                ObjectNode t = n.putObject("throughput");
                ArrayNode run = t.putArray("run");
                ArrayNode failed = t.putArray("failed");
                for (int i = 0; i < hour[0].length; i++) {
                    run.add(hour[0][i]);
                    failed.add(hour[1][i]);
                }
            }
        });
        return out;
    }

    private ObjectNode bulk(BulkResult b) {
        ObjectNode o = json.createObjectNode();
        o.put("done", b.done());
        o.put("cap", b.cap());
        o.put("capped", b.capped());
        return o;
    }

    private static Object done(boolean done, String otherwise) {
        if (!done) {
            throw new NotFound(otherwise);
        }
        return Map.of("done", true);
    }

    /** A target that is not there (any more): answered with 404. */
    static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message, null, false, false);
        }
    }

    private interface Work {
        Object run();
    }

    private static Reply get(Request r, Work work) {
        if (!r.method().equals("GET") && !r.method().equals("HEAD")) {
            return Reply.error(405, "use GET");
        }
        return answer(work);
    }

    private static Reply post(Request r, Work work) {
        if (!r.method().equals("POST")) {
            return Reply.error(405, "use POST");
        }
        return answer(work);
    }

    private static Reply answer(Work work) {
        try {
            Object body = work.run();
            return body == null ? Reply.error(404, "not found") : Reply.ok(body);
        } catch (NotFound e) {
            return Reply.error(404, e.getMessage());
        }
    }

    private static JobState state(String s) {
        if (s == null || s.isBlank()) {
            return JobState.WAITING;
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "waiting" -> JobState.WAITING;
            case "delayed" -> JobState.DELAYED;
            case "in_flight", "in-flight" -> JobState.IN_FLIGHT;
            default -> throw new IllegalArgumentException("state must be waiting, delayed or in_flight, was " + s);
        };
    }

    private static int limit(String s) {
        if (s == null || s.isBlank()) {
            return 50;
        }
        try {
            int n = Integer.parseInt(s);
            if (n < 1 || n > 500) {
                throw new IllegalArgumentException("limit must be between 1 and 500, was " + s);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit must be a number, was " + s);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
