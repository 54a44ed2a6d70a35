package dev.actionqueues.samples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A web application that sends each new user a welcome mail in a deferred job: {@code POST /signups}
 * enqueues it ({@link SignUpController}), the worker runs it ({@link WelcomeMailTask}). Settings in
 * {@code application.properties}.
 */
@SpringBootApplication
public class SampleApplication {

    /**
     * Starts the application.
     *
     * @param args Spring Boot's command-line arguments ({@code --actionqueues.backend=memory}, ...)
     */
    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
