package dev.actionqueues.spring.autoconfigure;

import dev.actionqueues.dashboard.Access;
import dev.actionqueues.dashboard.Authorizer;
import dev.actionqueues.dashboard.Dashboard;
import dev.actionqueues.dashboard.Operator;
import dev.actionqueues.dashboard.ThroughputRecorder;
import dev.actionqueues.deferred.Deferrable;
import jakarta.servlet.http.HttpServlet;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * The dashboard on the application's own port, under {@code actionqueues.dashboard.path} (default
 * {@code /actionqueues}), when {@code actionqueues.dashboard.enabled=true}, actionqueues-dashboard is on
 * the classpath and the application is a servlet web application. It is a servlet, so the
 * application's security filters guard it. Unless the application declares an {@link Authorizer} bean,
 * every caller the application lets through may act, under the name the container authenticated
 * ({@code anonymous} if none); {@code actionqueues.dashboard.read-only=true} refuses every action.
 */
@AutoConfiguration(after = ActionQueuesAutoConfiguration.class)
@ConditionalOnClass({Dashboard.class, HttpServlet.class, ServletRegistrationBean.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(name = "actionqueues.dashboard.enabled", havingValue = "true")
@ConditionalOnBean(Deferrable.class)
public class ActionQueuesDashboardAutoConfiguration {

    /** The auto-configuration is a Spring bean, created by Spring only. */
    ActionQueuesDashboardAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    ThroughputRecorder actionQueuesThroughput() {
        return new ThroughputRecorder();
    }

    @Bean
    @ConditionalOnMissingBean
    Dashboard actionQueuesDashboard(Deferrable deferrable, ThroughputRecorder throughput,
            ActionQueuesProperties properties, ObjectProvider<Authorizer> authorizer) {
        return Dashboard.builder()
                .group(deferrable, throughput)
                .readOnly(properties.dashboard().readOnly())
                .authorizer(authorizer.getIfAvailable(ActionQueuesDashboardAutoConfiguration::remoteUser))
                .build();
    }

    @Bean
    @ConditionalOnMissingBean(name = "actionQueuesDashboardServlet")
    ServletRegistrationBean<HttpServlet> actionQueuesDashboardServlet(Dashboard dashboard,
            ActionQueuesProperties properties) {
        String path = properties.dashboard().path();
        if (path == null || !path.startsWith("/") || path.endsWith("/") || path.contains("*")) {
            throw new IllegalArgumentException("actionqueues.dashboard.path must start with '/' and not end with '/'"
                    + " nor hold '*', was '" + path + "'");
        }
        ServletRegistrationBean<HttpServlet> registration =
                new ServletRegistrationBean<>(new DashboardServlet(dashboard.handler()), path + "/*");
        registration.setName("actionQueuesDashboard");
        return registration;
    }

    /** Everyone the application lets through, under the name its container authenticated. */
    private static Authorizer remoteUser() {
        return headers -> {
            List<String> user = headers.getOrDefault(DashboardServlet.REMOTE_USER, List.of());
            return Optional.of(new Operator(user.isEmpty() ? "anonymous" : user.get(0), Access.ACT));
        };
    }
}
