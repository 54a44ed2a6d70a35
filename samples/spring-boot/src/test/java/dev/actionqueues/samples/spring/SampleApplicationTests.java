package dev.actionqueues.samples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** The sample starts and sends a welcome mail, on the in-memory backend so that it needs no server. */
@SpringBootTest(properties = {"actionqueues.backend=memory", "actionqueues.dashboard.enabled=false"})
class SampleApplicationTests {

    @Autowired
    SignUpController signUps;

    @Autowired
    WelcomeMailTask.Mailer mailer;

    @Test
    void aSignUpSendsTheWelcomeMailInAJob() {
        assertThat(signUps.signUp(new SignUpController.SignUp("ada@example.com", "Ada"))).containsKey("job");
        await().atMost(Duration.ofSeconds(10)).until(() -> mailer.sent().contains("ada@example.com"));
    }
}
