package dev.actionqueues.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.actionqueues.deferred.BackendException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the dashboard: authorization, CSRF, read-only mode, security headers, static
 * files and the routing of {@code api/} requests to {@link DashboardApi}. Thread-safe.
 */
final class DashboardHandler implements HttpHandler {

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Logger LOG = LoggerFactory.getLogger(DashboardHandler.class);
    private static final int MAX_BODY = 64 * 1024;
    private static final Map<String, String> STATIC = Map.of(
            "", "index.html", "index.html", "index.html", "app.js", "app.js", "app.css", "app.css");

    private final Authorizer authorizer;
    private final boolean readOnly;
    private final Csrf csrf;
    private final DashboardApi api;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, byte[]> files = new HashMap<>();

    DashboardHandler(LinkedHashMap<String, DashboardGroup> groups, Authorizer authorizer, boolean readOnly,
            int bulkCap, Csrf csrf) {
        this.authorizer = authorizer;
        this.readOnly = readOnly;
        this.csrf = csrf;
        this.api = new DashboardApi(groups, readOnly, bulkCap, json);
        for (String name : STATIC.values()) {
            files.put(name, resource(name));
        }
    }

    /** What the API answers: a status and a JSON body. */
    record Reply(int status, Object body) {
        static Reply ok(Object body) {
            return new Reply(200, body);
        }

        static Reply error(int status, String message) {
            return new Reply(status, Map.of("error", message));
        }
    }

    /** A parsed API request. */
    record Request(String method, List<String> path, Map<String, String> query, JsonNode body, Operator operator) {
        String param(String name) {
            return query.get(name);
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            securityHeaders(exchange);
            String context = exchange.getHttpContext().getPath();
            String raw = exchange.getRequestURI().getRawPath();
            if (!context.endsWith("/") && raw.equals(context)) {
                exchange.getResponseHeaders().set("Location", context + "/");
                exchange.sendResponseHeaders(308, -1);
                return;
            }
            String base = context.endsWith("/") ? context : context + "/";
            String rel = raw.length() >= base.length() ? raw.substring(base.length()) : "";
            Map<String, List<String>> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
            Optional<Operator> who = authorizer.authorize(headers);
            if (who.isEmpty()) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"actionqueues\", charset=\"UTF-8\"");
                send(exchange, Reply.error(401, "authentication required"));
                return;
            }
            Operator operator = who.get();
            if (!operator.access().allows(Access.READ)) {
                send(exchange, Reply.error(403, "no access"));
                return;
            }
            if (rel.startsWith("api/")) {
                send(exchange, api(exchange, rel.substring(4), operator));
            } else if (STATIC.containsKey(rel) && exchange.getRequestMethod().equals("GET")) {
                sendFile(exchange, STATIC.get(rel));
            } else {
                send(exchange, Reply.error(404, "not found"));
            }
        } catch (RuntimeException e) {
            LOG.warn("dashboard request {} failed: {}", exchange.getRequestURI().getPath(), e.toString());
        }
    }

    private Reply api(HttpExchange exchange, String rel, Operator operator) throws IOException {
        String method = exchange.getRequestMethod();
        boolean mutating = !method.equals("GET") && !method.equals("HEAD");
        if (mutating) {
            if (!method.equals("POST")) {
                return Reply.error(405, "use GET or POST");
            }
            if (readOnly) {
                return Reply.error(403, "the dashboard is read-only");
            }
            if (!operator.access().allows(Access.ACT)) {
                return Reply.error(403, operator.name() + " may not act");
            }
            if (!csrf.valid(operator.name(), exchange.getRequestHeaders().getFirst("X-CSRF-Token"))) {
                return Reply.error(403, "missing or wrong CSRF token");
            }
        }
        List<String> path = new ArrayList<>();
        for (String segment : rel.split("/", -1)) {
            path.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        if (path.size() == 1 && path.get(0).equals("session")) {
            return Reply.ok(api.session(operator, csrf.token(operator.name())));
        }
        try {
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            JsonNode body = mutating ? body(exchange) : null;
            return api.route(new Request(method, path, query, body, operator));
        } catch (IllegalArgumentException e) {
            return Reply.error(400, e.getMessage());
        } catch (UnsupportedOperationException e) {
            return Reply.error(501, e.getMessage());
        } catch (BackendException e) {
            LOG.warn("dashboard: backend failed on {}: {}", rel, e.getMessage());
            return Reply.error(503, "the backend failed: " + e.getMessage());
        } catch (IllegalStateException e) {
            return Reply.error(409, e.getMessage());
        }
    }

    private JsonNode body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new IllegalArgumentException("request body over " + MAX_BODY + " bytes");
            }
            return bytes.length == 0 ? json.createObjectNode() : json.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the request body is not JSON");
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }

    private static void securityHeaders(HttpExchange exchange) {
        var h = exchange.getResponseHeaders();
        h.set("Content-Security-Policy", CSP);
        h.set("Cache-Control", "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        h.set("X-Frame-Options", "DENY");
    }

    private void send(HttpExchange exchange, Reply reply) throws IOException {
        byte[] bytes = json.writeValueAsBytes(reply.body());
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void sendFile(HttpExchange exchange, String name) throws IOException {
        byte[] bytes = files.get(name);
        String type = name.endsWith(".js") ? "text/javascript" : name.endsWith(".css") ? "text/css" : "text/html";
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = DashboardHandler.class.getResourceAsStream("static/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing dashboard resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read dashboard resource " + name, e);
        }
    }
}
