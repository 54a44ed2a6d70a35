package dev.actionqueues.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.actionqueues.dashboard.Access;
import dev.actionqueues.dashboard.Authorizer;
import dev.actionqueues.dashboard.Dashboard;
import dev.actionqueues.dashboard.ThroughputRecorder;
import jakarta.servlet.http.HttpServlet;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class ActionQueuesDashboardAutoConfigurationTests {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withPropertyValues("actionqueues.worker.enabled=false", "actionqueues.dashboard.enabled=true")
            .withConfiguration(AutoConfigurations.of(ActionQueuesAutoConfiguration.class,
                    ActionQueuesDashboardAutoConfiguration.class));

    @Test
    void mountedUnderTheDefaultPath() {
        runner.run(context -> {
            assertThat(registration(context).getUrlMappings()).containsExactly("/actionqueues/*");
            assertThat(context).hasSingleBean(Dashboard.class).hasSingleBean(ThroughputRecorder.class);
        });
    }

    @Test
    void mountedUnderTheConfiguredPath() {
        runner.withPropertyValues("actionqueues.dashboard.path=/ops/queues")
                .run(context -> assertThat(registration(context).getUrlMappings()).containsExactly("/ops/queues/*"));
    }

    @Test
    void aPathWithATrailingSlashIsRefusedWithThePropertyName() {
        runner.withPropertyValues("actionqueues.dashboard.path=/ops/")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("actionqueues.dashboard.path"));
    }

    @Test
    void offUnlessEnabled() {
        runner.withPropertyValues("actionqueues.dashboard.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(Dashboard.class)
                        .doesNotHaveBean("actionQueuesDashboardServlet"));
    }

    @Test
    void offOutsideAServletWebApplication() {
        new ApplicationContextRunner()
                .withPropertyValues("actionqueues.dashboard.enabled=true")
                .withConfiguration(AutoConfigurations.of(ActionQueuesAutoConfiguration.class,
                        ActionQueuesDashboardAutoConfiguration.class))
                .run(context -> assertThat(context).doesNotHaveBean(Dashboard.class));
    }

    @Test
    void offWithoutTheDashboardModule() {
        runner.withClassLoader(new FilteredClassLoader(Dashboard.class))
                .run(context -> assertThat(context).doesNotHaveBean("actionQueuesDashboard"));
    }

    @Test
    void redirectsThePathToItsSlashAndServesThePage() throws Exception {
        runner.run(context -> {
            MockHttpServletResponse redirect = call(context, "GET", "", null);
            assertThat(redirect.getStatus()).isEqualTo(308);
            assertThat(redirect.getHeader("Location")).isEqualTo("/app/actionqueues/");
            MockHttpServletResponse page = call(context, "GET", "/", null);
            assertThat(page.getStatus()).isEqualTo(200);
            assertThat(page.getContentType()).startsWith("text/html");
            assertThat(page.getHeader("Content-Security-Policy")).contains("default-src 'none'");
        });
    }

    @Test
    void theApiSeesTheContainersUserAndNotAForgedHeader() throws Exception {
        runner.run(context -> {
            MockHttpServletResponse session = call(context, "GET", "/api/session", "ops");
            assertThat(session.getStatus()).isEqualTo(200);
            assertThat(session.getContentAsString()).contains("\"operator\":\"ops\"").contains("\"groups\":[\"default\"]")
                    .contains("\"canAct\":true");
            MockHttpServletResponse anonymous = call(context, "GET", "/api/session", null);
            assertThat(anonymous.getContentAsString()).contains("\"operator\":\"anonymous\"");
        });
    }

    @Test
    void readOnlyRefusesActions() throws Exception {
        runner.withPropertyValues("actionqueues.dashboard.read-only=true").run(context -> {
            assertThat(call(context, "GET", "/api/session", "ops").getContentAsString())
                    .contains("\"readOnly\":true").contains("\"canAct\":false");
            MockHttpServletResponse purge = call(context, "POST", "/api/groups/default/errors/purge", "ops");
            assertThat(purge.getStatus()).isEqualTo(403);
            assertThat(purge.getContentAsString()).contains("read-only");
        });
    }

    @Test
    void anAuthorizerBeanDecidesWhoMayLook() throws Exception {
        runner.withUserConfiguration(NobodyAuthorizer.class).run(context ->
                assertThat(call(context, "GET", "/api/session", "ops").getStatus()).isEqualTo(401));
    }

    @Test
    void backsOffForTheApplicationsOwnBeans() {
        runner.withUserConfiguration(OwnDashboardBeans.class).run(context -> {
            assertThat(context.getBean(ThroughputRecorder.class)).isSameAs(OwnDashboardBeans.THROUGHPUT);
            assertThat(context.getBean("actionQueuesDashboardServlet")).isSameAs(OwnDashboardBeans.SERVLET);
            assertThat(context.getBean(Dashboard.class)).isSameAs(context.getBean(OwnDashboardBeans.class).dashboard);
        });
    }

    @SuppressWarnings("unchecked")
    private static ServletRegistrationBean<HttpServlet> registration(AssertableWebApplicationContext context) {
        return context.getBean("actionQueuesDashboardServlet", ServletRegistrationBean.class);
    }

    /** One request to the mounted servlet, as the container would pass it under context path /app. */
    private static MockHttpServletResponse call(AssertableWebApplicationContext context, String method, String rest,
            String user) throws Exception {
        ServletRegistrationBean<HttpServlet> registration = registration(context);
        String mount = registration.getUrlMappings().iterator().next().replace("/*", "");
        MockHttpServletRequest request = new MockHttpServletRequest(method, "/app" + mount + rest);
        request.setContextPath("/app");
        request.setServletPath(mount);
        request.setPathInfo(rest.isEmpty() ? null : rest);
        request.setRemoteUser(user);
        request.addHeader("X-ActionQueues-Remote-User", "forged");
        MockHttpServletResponse response = new MockHttpServletResponse();
        registration.getServlet().service(request, response);
        return response;
    }

    @Configuration(proxyBeanMethods = false)
    static class NobodyAuthorizer {
        @Bean
        Authorizer nobody() {
            return headers -> Optional.empty();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnDashboardBeans {
        static final ThroughputRecorder THROUGHPUT = new ThroughputRecorder();
        static final ServletRegistrationBean<HttpServlet> SERVLET = new ServletRegistrationBean<>(new HttpServlet() {
        }, "/own/*");
        Dashboard dashboard;

        @Bean
        ThroughputRecorder ownThroughput() {
            return THROUGHPUT;
        }

        @Bean
        Dashboard ownDashboard(dev.actionqueues.deferred.Deferrable deferrable) {
            dashboard = Dashboard.builder().group(deferrable).authorizer(Authorizer.anyone(Access.READ)).build();
            return dashboard;
        }

        @Bean
        ServletRegistrationBean<HttpServlet> actionQueuesDashboardServlet() {
            return SERVLET;
        }
    }
}
