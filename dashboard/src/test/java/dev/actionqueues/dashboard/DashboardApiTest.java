package dev.actionqueues.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.actionqueues.deferred.EventType;
import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.JobEvent;
import dev.actionqueues.deferred.LaterOptions;
import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.Backend;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JSON API and the HTTP safety rules, over plain HTTP (the browser tests cover the page). */
class DashboardApiTest {

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Backend backend = InMemoryBackendFactory.create().createBackendForGroup("shop");
    private final Shop shop = new Shop(backend);
    private DashboardServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private URI start(Dashboard.Builder b) throws Exception {
        server = b.build().serve(new InetSocketAddress("127.0.0.1", 0));
        return server.uri();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(URI base, String path, String auth) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path)).GET();
        if (auth != null) {
            r.header("Authorization", auth);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(URI base, String path, String auth, String csrf, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path))
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body));
        if (auth != null) {
            r.header("Authorization", auth);
        }
        if (csrf != null) {
            r.header("X-CSRF-Token", csrf);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode body(HttpResponse<String> r) throws Exception {
        return json.readTree(r.body());
    }

    @Test
    void everyAnswerCarriesTheSecurityHeaders() throws Exception {
        URI base = start(Dashboard.builder().group(shop.deferrable));
        for (String path : List.of("", "app.js", "api/overview", "api/nope")) {
            HttpResponse<String> r = get(base, path, null);
            assertThat(r.headers().firstValue("Content-Security-Policy")).hasValue(DashboardHandler.CSP);
            assertThat(DashboardHandler.CSP).contains("script-src 'self'").doesNotContain("unsafe-inline");
            assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        }
        assertThat(get(base, "", null).body()).contains("<script src=\"app.js\" defer></script>")
                .doesNotContainPattern("<script>[^<]");
    }

    @Test
    void basicAuthSeparatesReadersFromActorsAndRefusesStrangers() throws Exception {
        URI base = start(Dashboard.builder().group(shop.deferrable)
                .authorizer(Authorizer.basic("ops", "s3cret", Access.ACT).or(Authorizer.basic("viewer", "v", Access.READ))));
        assertThat(get(base, "api/overview", null).statusCode()).isEqualTo(401);
        assertThat(get(base, "api/overview", null).headers().firstValue("WWW-Authenticate")).get().asString()
                .startsWith("Basic");
        assertThat(get(base, "", basic("ops", "wrong")).statusCode()).isEqualTo(401);
        assertThat(get(base, "api/overview", basic("ops", "s3cret")).statusCode()).isEqualTo(200);

        JsonNode viewer = body(get(base, "api/session", basic("viewer", "v")));
        assertThat(viewer.get("canAct").asBoolean()).isFalse();
        HttpResponse<String> refused = post(base, "api/groups/shop/errors/purge", basic("viewer", "v"),
                viewer.get("csrf").asText(), "{\"confirm\":\"shop\"}");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(body(refused).get("error").asText()).contains("viewer may not act");
    }

    @Test
    void aMutatingRequestNeedsTheOperatorsCsrfToken() throws Exception {
        URI base = start(Dashboard.builder().group(shop.deferrable)
                .authorizer(Authorizer.basic("ops", "a", Access.ACT).or(Authorizer.basic("eve", "b", Access.ACT))));
        shop.invoice.later("inv-1");
        shop.drain();
        String id = shop.deferrable.admin().errors(dev.actionqueues.deferred.ErrorFilter.ANY, null, 1).entries()
                .get(0).jobId();
        String opsToken = body(get(base, "api/session", basic("ops", "a"))).get("csrf").asText();
        String eveToken = body(get(base, "api/session", basic("eve", "b"))).get("csrf").asText();
        String replay = "api/groups/shop/errors/" + id + "/replay";

        assertThat(post(base, replay, basic("ops", "a"), null, null).statusCode()).isEqualTo(403);
        assertThat(post(base, replay, basic("ops", "a"), "forged", null).statusCode()).isEqualTo(403);
        assertThat(post(base, replay, basic("ops", "a"), eveToken, null).statusCode()).isEqualTo(403);
        assertThat(shop.deferrable.stats().errors()).isEqualTo(1);

        assertThat(post(base, replay, basic("ops", "a"), opsToken, null).statusCode()).isEqualTo(200);
        assertThat(shop.deferrable.stats().errors()).isZero();
        assertThat(post(base, replay, basic("ops", "a"), opsToken, null).statusCode()).isEqualTo(404);
    }

    @Test
    void readOnlyModeRefusesEveryAction() throws Exception {
        URI base = start(Dashboard.builder().group(shop.deferrable).readOnly(true));
        JsonNode session = body(get(base, "api/session", null));
        assertThat(session.get("readOnly").asBoolean()).isTrue();
        assertThat(session.get("canAct").asBoolean()).isFalse();
        shop.invoice.later("x");
        shop.drain();

        HttpResponse<String> r = post(base, "api/groups/shop/errors/purge", null, session.get("csrf").asText(),
                "{\"confirm\":\"shop\"}");

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(shop.deferrable.stats().errors()).isEqualTo(1);
    }

    @Test
    void theApiPagesFiltersAndActsAndReportsTheOperator() throws Exception {
        List<JobEvent> events = new CopyOnWriteArrayList<>();
        Backend other = InMemoryBackendFactory.create().createBackendForGroup("billing");
        Deferrable billing = Deferrable.builder(other).listener(events::add).build();
        var noop = billing.register("noop", String.class, s -> { });
        URI base = start(Dashboard.builder().group(shop.deferrable, shop.throughput).group(billing)
                .authorizer(Authorizer.basic("alice", "pw", Access.ACT)));
        String alice = basic("alice", "pw");
        String csrf = body(get(base, "api/session", alice)).get("csrf").asText();
        for (int i = 0; i < 3; i++) {
            shop.invoice.later("inv-" + i);
            shop.mail.later(new Shop.Mail("bad" + i + "@example.com", "hi"));
        }
        shop.report.later("weekly");
        shop.drain();
        shop.report.later("monthly", LaterOptions.delay(Duration.ofHours(1)));
        String delayedId = noop.later("later", LaterOptions.delay(Duration.ofHours(2))).jobId();

        JsonNode overview = body(get(base, "api/overview", alice));
        assertThat(overview).hasSize(2);
        assertThat(overview.get(0).get("group").asText()).isEqualTo("shop");
        assertThat(overview.get(0).get("errors").asLong()).isEqualTo(6);
        assertThat(overview.get(0).get("delayed").asLong()).isEqualTo(1);
        long run = 0;
        for (JsonNode n : overview.get(0).get("throughput").get("run")) {
            run += n.asLong();
        }
        assertThat(run).isEqualTo(7);
        assertThat(overview.get(1).has("throughput")).isFalse();

        JsonNode page1 = body(get(base, "api/groups/shop/errors?errorClass=IllegalStateException&limit=2", alice));
        assertThat(page1.get("errors")).hasSize(2);
        assertThat(page1.get("errors").get(0).get("task").asText()).isEqualTo("mail.send");
        JsonNode page2 = body(get(base, "api/groups/shop/errors?errorClass=IllegalStateException&limit=2&cursor="
                + java.net.URLEncoder.encode(page1.get("next").asText(), StandardCharsets.UTF_8), alice));
        assertThat(page2.get("errors")).hasSize(1);
        assertThat(page2.get("next").isNull()).isTrue();
        assertThat(body(get(base, "api/groups/shop/errors?text=inv-1", alice)).get("errors")).hasSize(1);

        JsonNode bulk = body(post(base, "api/groups/shop/errors/replay-matching?task=invoice.render", alice, csrf, null));
        assertThat(bulk.get("done").asInt()).isEqualTo(3);
        assertThat(bulk.get("capped").asBoolean()).isFalse();
        assertThat(shop.deferrable.stats().available()).isEqualTo(3);

        HttpResponse<String> wrongConfirm = post(base, "api/groups/shop/errors/purge", alice, csrf, "{\"confirm\":\"sho\"}");
        assertThat(wrongConfirm.statusCode()).isEqualTo(400);
        assertThat(body(post(base, "api/groups/shop/errors/purge", alice, csrf, "{\"confirm\":\"shop\"}"))
                .get("purged").asLong()).isEqualTo(3);

        JsonNode delayed = body(get(base, "api/groups/billing/jobs?state=delayed", alice));
        assertThat(delayed.get("jobs").get(0).get("id").asText()).isEqualTo(delayedId);
        assertThat(post(base, "api/groups/billing/jobs/" + delayedId + "/run-now", alice, csrf, null).statusCode())
                .isEqualTo(200);
        assertThat(billing.stats().available()).isEqualTo(1);
        assertThat(events).filteredOn(e -> e.type() == EventType.OPERATOR).singleElement()
                .satisfies(e -> assertThat(e.metadata()).containsEntry("operator", "dashboard:alice")
                        .containsEntry("action", "run now"));

        assertThat(get(base, "api/groups/nope/jobs", alice).statusCode()).isEqualTo(404);
        assertThat(get(base, "api/groups/shop/jobs?state=sideways", alice).statusCode()).isEqualTo(400);
        assertThat(get(base, "api/groups/shop/jobs?limit=0", alice).statusCode()).isEqualTo(400);
        assertThat(get(base, "api/groups/shop/jobs/no-such-id", alice).statusCode()).isEqualTo(404);
        assertThat(post(base, "api/groups/shop/errors/purge", alice, csrf, "{not json").statusCode()).isEqualTo(400);
    }

    @Test
    void theHandlerMountsUnderAPathOfAnotherServer() throws Exception {
        HttpServer host = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        host.createContext("/ops/queues", Dashboard.builder().group(shop.deferrable).build().handler());
        host.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + host.getAddress().getPort() + "/");
            HttpResponse<String> bare = get(base, "ops/queues", null);
            assertThat(bare.statusCode()).isEqualTo(308);
            assertThat(bare.headers().firstValue("Location")).hasValue("/ops/queues/");
            assertThat(get(base, "ops/queues/", null).body()).contains("actionqueues");
            assertThat(body(get(base, "ops/queues/api/session", null)).get("groups").get(0).asText()).isEqualTo("shop");
        } finally {
            host.stop(0);
        }
    }

    @Test
    void theBuilderChecksItsInput() {
        assertThatThrownBy(() -> Dashboard.builder().build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Dashboard.builder().group(shop.deferrable).group(shop.deferrable))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Dashboard.builder().bulkCap(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Authorizer.basic("a:b", "x", Access.ACT)).isInstanceOf(IllegalArgumentException.class);
    }
}
