package dev.actionqueues.samples.spring;

import dev.actionqueues.deferred.TaskHandle;
import dev.actionqueues.spring.TaskHandles;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Signs users up and leaves the welcome mail to a job. */
@RestController
public class SignUpController {

    /** The request body of a sign-up. */
    public record SignUp(String email, String name) {
    }

    private final TaskHandle<Tasks.Welcome> welcome;

    SignUpController(TaskHandles handles) {
        this.welcome = handles.handle(Tasks.WELCOME);
    }

    @PostMapping("/signups")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Map<String, String> signUp(@RequestBody SignUp signUp) {
        String job = welcome.later(new Tasks.Welcome(signUp.email(), signUp.name())).jobId();
        return Map.of("job", job);
    }
}
