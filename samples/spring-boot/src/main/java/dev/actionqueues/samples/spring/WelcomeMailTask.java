package dev.actionqueues.samples.spring;

import dev.actionqueues.spring.DeferredTask;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Declares the welcome-mail task: the starter registers it and its worker runs it. */
@Configuration(proxyBeanMethods = false)
public class WelcomeMailTask {

    private static final Logger LOG = LoggerFactory.getLogger(WelcomeMailTask.class);

    /** A stand-in for a mail client: remembers what it sent. */
    public static final class Mailer {
        private final List<String> sent = new CopyOnWriteArrayList<>();

        /**
         * "Sends" a mail.
         *
         * @param to the address
         * @param text the body
         */
        public void send(String to, String text) {
            LOG.info("mail to {}: {}", to, text);
            sent.add(to);
        }

        /** Returns the addresses mailed so far. */
        public List<String> sent() {
            return List.copyOf(sent);
        }
    }

    @Bean
    Mailer mailer() {
        return new Mailer();
    }

    @Bean
    DeferredTask<Tasks.Welcome> sendWelcome(Mailer mailer) {
        return DeferredTask.of(Tasks.WELCOME, w -> mailer.send(w.email(), "Welcome, " + w.name() + "!"));
    }
}
