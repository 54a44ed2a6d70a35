package dev.actionqueues.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignUpDemoTest {

    @Test
    void tellsTheWholeStory() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SignUpDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out)
                .contains("billing       retry 1 in 50 ms", "billing       retry 2 in 100 ms")
                .contains("signed up: accounts=1 billing=1 mailing-list=1")
                .contains("mailing-list  retry 1 in 20 ms", "mailing-list  retry 2 in 40 ms")
                .contains("sign-up failed at action 2 (mailing-list)")
                .contains("billing       deleted bil-2", "accounts      deleted acc-2")
                .contains("rolled back [mailing-list, billing, accounts]; rollback clean: true")
                .contains("records left: accounts=1 billing=1 mailing-list=1");
    }
}
