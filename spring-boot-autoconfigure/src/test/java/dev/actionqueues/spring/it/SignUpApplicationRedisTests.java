package dev.actionqueues.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actionqueues.deferred.testkit.RequiredService;
import dev.actionqueues.spring.ActionQueuesWorker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter in a running web application on Redis: a sign-up over HTTP enqueues a job, the worker
 * runs it, and the actuator's health and metrics endpoints and the mounted dashboard show it.
 */
@SpringBootTest(classes = SignUpApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "actionqueues.backend=redis",
            "actionqueues.worker.concurrency=2",
            "actionqueues.dashboard.enabled=true",
            "management.endpoints.web.exposure.include=health,metrics",
            "management.endpoint.health.show-details=always"
        })
@DirtiesContext
class SignUpApplicationRedisTests {

    private static final String PREFIX = "aq-spring-it-" + UUID.randomUUID();
    private static String redis;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    ConfigurableApplicationContext context;

    @BeforeAll
    static void requireRedis() {
        redis = RequiredService.redis();
    }

    @DynamicPropertySource
    static void redisProperties(DynamicPropertyRegistry registry) {
        registry.add("actionqueues.redis.uri", () -> redis);
        registry.add("actionqueues.redis.key-prefix", () -> PREFIX);
    }

    @AfterAll
    static void stopAndDeleteKeys() {
        // The test stopped the worker: nothing writes under the prefix any more.
        if (redis == null) {
            return;
        }
        RedisClient client = RedisClient.create(redis);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            List<String> keys = connection.sync().keys(PREFIX + "*");
            if (!keys.isEmpty()) {
                connection.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aSignUpOverHttpRunsItsJobOnRedisAndShowsInHealthMetricsAndTheDashboard() throws Exception {
        ActionQueuesWorker worker = context.getBean(ActionQueuesWorker.class);
        assertThat(worker.isRunning()).isTrue();
        try {
            signUpRunsAndShows();
        } finally {
            worker.stop();
        }
        assertThat(worker.isRunning()).isFalse();
    }

    private void signUpRunsAndShows() throws Exception {

        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(url("/signups"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"ada@example.com\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(json.readTree(accepted.body()).path("job").asText()).isNotBlank();

        SignUpApplication.Outbox outbox = context.getBean(SignUpApplication.Outbox.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> outbox.sent.contains("ada@example.com"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode completed = get("/actuator/metrics/actionqueues.jobs.completed?tag=outcome:success");
            assertThat(completed.path("measurements").get(0).path("value").asDouble()).isEqualTo(1.0);
        });
        JsonNode enqueued = get("/actuator/metrics/actionqueues.jobs.enqueued?tag=backend:redis&tag=task:send-welcome");
        assertThat(enqueued.path("measurements").get(0).path("value").asDouble()).isEqualTo(1.0);

        JsonNode health = get("/actuator/health");
        assertThat(health.path("status").asText()).isEqualTo("UP");
        JsonNode ours = health.path("components").path("actionQueues");
        assertThat(ours.path("status").asText()).isEqualTo("UP");
        assertThat(ours.path("details").path("worker").asText()).isEqualTo("running");
        assertThat(ours.path("details").path("waiting").asLong()).isZero();

        JsonNode overview = get("/actionqueues/api/overview");
        assertThat(overview.toString()).contains("default");
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
