package dev.actionqueues.deferred;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    record Order(long id, String customer) {
    }

    private final Fixture f = new Fixture();

    @Test
    void aJobIsJsonWithTheTaskNameAndArgumentsAndNoClassNames() throws Exception {
        Deferrable d = f.deferrable();
        d.register("orders.ship", Order.class, TaskOptions.builder().ttl(Duration.ofMinutes(1)).build(), o -> { })
                .later(new Order(7, "ada"));

        String payload = f.queue.list(0, 1).get(0).payload();
        JsonNode json = new ObjectMapper().readTree(payload);

        assertThat(json.get("task").asText()).isEqualTo("orders.ship");
        assertThat(json.get("args").get("id").asLong()).isEqualTo(7);
        assertThat(json.get("args").get("customer").asText()).isEqualTo("ada");
        assertThat(json.get("group").asText()).isEqualTo("test");
        assertThat(json.get("attempts").asInt()).isZero();
        assertThat(json.get("first_push_time").asLong()).isEqualTo(f.time.millis());
        assertThat(json.get("item_queued_timestamp").asLong()).isEqualTo(f.time.millis());
        assertThat(json.get("ttl_ms").asLong()).isEqualTo(60_000);
        assertThat(payload).doesNotContain("WireFormatTest").doesNotContain("dev.actionqueues");
    }
}
