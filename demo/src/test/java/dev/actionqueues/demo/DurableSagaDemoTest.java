package dev.actionqueues.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DurableSagaDemoTest {

    @Test
    void anotherRunnerCompensatesTheInterruptedSagaOrFinishesItWhenTheStepIsIdempotent() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DurableSagaDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        int second = out.indexOf("the interrupted step marked idempotent");
        String notIdempotent = out.substring(0, second);
        String idempotent = out.substring(second);
        assertThat(notIdempotent).contains("runner 1: account created", "runner 1: charging the card",
                "runner 2: card charge refunded", "runner 2: account of ada@example.com deleted", "saga COMPENSATED")
                .doesNotContain("welcome mail sent");
        assertThat(idempotent).contains("runner 2: charging the card", "runner 2: welcome mail sent",
                "saga SUCCEEDED").doesNotContain("refunded");
    }
}
