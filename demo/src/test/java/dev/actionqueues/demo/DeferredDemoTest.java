package dev.actionqueues.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeferredDemoTest {

    @Test
    void showsRetriesTheErrorQueueAnExpiryAndOneDebouncedRun() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DeferredDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(out).contains("event RETRY  orders.ship").contains("shipped order 2 for customer-2 (attempt 3)")
                .contains("event EXPIRE orders.remind").contains("19 debounced into the first")
                .contains("recomputed stats of team-42 (run 1)").doesNotContain("(run 2)")
                .contains("Stats: available=0 in-flight=0 delayed=0 errors=1")
                .contains("orders.invoice {\"id\":99,\"customer\":\"no-address\"}: java.lang.IllegalStateException");
    }
}
