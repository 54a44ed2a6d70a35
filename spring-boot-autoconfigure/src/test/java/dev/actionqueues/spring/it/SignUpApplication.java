package dev.actionqueues.spring.it;

import dev.actionqueues.deferred.LaterResult;
import dev.actionqueues.deferred.TaskDescriptor;
import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.spring.DeferredTask;
import dev.actionqueues.spring.TaskHandles;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** A small web application that enqueues a welcome mail per sign-up and sends it in a job. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(SignUpApplication.SignUpController.class)
public class SignUpApplication {

    static final TaskDescriptor<Welcome> WELCOME = TaskDescriptor.of("send-welcome", Welcome.class);

    /** The job's arguments. */
    public record Welcome(String email) {
    }

    /** The request body. */
    public record SignUp(String email) {
    }

    /** Where the "mails" go: the test reads it. */
    static final class Outbox {
        final List<String> sent = new CopyOnWriteArrayList<>();
    }

    @Bean
    Outbox outbox() {
        return new Outbox();
    }

    @Bean
    DeferredTask<Welcome> sendWelcome(Outbox outbox) {
        return DeferredTask.of(WELCOME, welcome -> outbox.sent.add(welcome.email()));
    }

    /** Enqueues over HTTP. */
    @RestController
    static class SignUpController {
        private final TaskHandle<Welcome> welcome;

        SignUpController(TaskHandles handles) {
            this.welcome = handles.handle(WELCOME);
        }

        @PostMapping("/signups")
        @ResponseStatus(HttpStatus.ACCEPTED)
        Map<String, String> signUp(@RequestBody SignUp signUp) {
            LaterResult result = welcome.later(new Welcome(signUp.email()));
            return Map.of("job", result.jobId());
        }
    }
}
