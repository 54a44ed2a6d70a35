package dev.actionqueues.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.AriaRole;
import dev.actionqueues.deferred.ErrorFilter;
import dev.actionqueues.deferred.LaterOptions;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.deferred.spi.Backend;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dashboard in a real headless Chromium (Debian's package, driven by Playwright for Java): every
 * page and action an operator uses, over one backend. Extended per backend. Screenshots of the
 * overview and the error page are saved under {@code target/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DashboardBrowserContract {

    private static final String USER = "ops";
    private static final String PASSWORD = "correct horse";
    private Playwright playwright;
    private Browser browser;
    private BrowserContext context;
    private Page page;
    private Backend backend;
    private Shop shop;
    private DashboardServer server;

    /** A backend for the group "shop", empty. */
    abstract Backend createBackend();

    /** A name for the screenshots. */
    abstract String backendName();

    @BeforeAll
    void launch() {
        Path chromium = Services.chromium();
        playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(chromium)
                .setHeadless(true).setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking", "--disable-component-update",
                        "--disable-sync")));
    }

    @AfterAll
    void quit() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
    }

    @BeforeEach
    void open() {
        backend = createBackend();
        shop = new Shop(backend);
    }

    @AfterEach
    void close() {
        if (context != null) {
            context.close();
        }
        if (server != null) {
            server.close();
        }
        shop.flush(backend);
    }

    private Page serve(Dashboard.Builder builder, String user, String password) throws Exception {
        server = builder.group(shop.deferrable, shop.throughput)
                .authorizer(Authorizer.basic(USER, PASSWORD, Access.ACT)).build()
                .serve(new InetSocketAddress("127.0.0.1", 0));
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800)
                .setHttpCredentials(user, password));
        context.setDefaultTimeout(10_000);
        page = context.newPage();
        return page;
    }

    private Page serve() throws Exception {
        return serve(Dashboard.builder(), USER, PASSWORD);
    }

    private String url(String hash) {
        return server.uri() + hash;
    }

    /** Three failed mails, two failed invoices, one report done, one waiting, one delayed. */
    private void failSome() {
        for (int i = 0; i < 3; i++) {
            shop.mail.later(new Shop.Mail("customer" + i + "@example.com", "Your order"));
        }
        shop.invoice.later("INV-1");
        shop.invoice.later("INV-2");
        shop.report.later("daily");
        shop.drain();
        shop.report.later("weekly");
        shop.report.later("monthly", LaterOptions.delay(Duration.ofHours(1)));
    }

    private void screenshot(String name) throws Exception {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        page.screenshot(new Page.ScreenshotOptions().setPath(dir.resolve(name + "-" + backendName() + ".png"))
                .setFullPage(true));
    }

    @Test
    void theOverviewShowsTheDepthOfEachState() throws Exception {
        failSome();
        serve().navigate(url("#/overview"));

        assertThat(page.getByTestId("depth-waiting").locator(".n")).hasText("1");
        assertThat(page.getByTestId("depth-delayed").locator(".n")).hasText("1");
        assertThat(page.getByTestId("depth-in-flight").locator(".n")).hasText("0");
        assertThat(page.getByTestId("depth-errors").locator(".n")).hasText("5");
        assertThat(page.locator("svg.chart rect.run")).hasCount(60);
        assertThat(page.getByTestId("who")).containsText(USER);
        screenshot("overview");
    }

    @Test
    void filterTheErrorQueueOpenAJobReplayItAndSeeItRun() throws Exception {
        failSome();
        serve().navigate(url("#/errors"));
        assertThat(page.getByTestId("error-row")).hasCount(5);
        screenshot("errors");

        page.getByTestId("filter-task").fill("mail.send");
        page.getByTestId("filter-text").fill("customer1");
        page.getByTestId("filter-apply").click();
        assertThat(page.getByTestId("error-row")).hasCount(1);
        page.getByTestId("error-row").first().click();
        assertThat(page.getByTestId("error-detail")).containsText("java.lang.IllegalStateException");
        assertThat(page.getByTestId("arguments")).containsText("customer1@example.com");
        assertThat(page.getByTestId("stack")).containsText("IllegalStateException: no mail server");

        shop.mailServerUp = true;
        page.getByTestId("replay").click();
        assertThat(page.getByTestId("flash")).containsText("Replayed job");
        shop.drain();

        assertThat(shop.sent).containsExactly("customer1@example.com");
        page.navigate(url("#/overview"));
        assertThat(page.getByTestId("depth-errors").locator(".n")).hasText("4");
    }

    @Test
    void bulkReplayOfAFilter() throws Exception {
        failSome();
        serve().navigate(url("#/errors?errorClass=IllegalStateException"));
        assertThat(page.getByTestId("error-row")).hasCount(3);

        page.getByTestId("replay-matching").click();

        assertThat(page.getByTestId("flash")).hasText("Replayed 3 job(s)");
        assertThat(page.getByTestId("error-row")).hasCount(0);
        assertThat(shop.deferrable.stats().errors()).isEqualTo(2);
        assertThat(shop.deferrable.admin().errors(ErrorFilter.ANY, null, 10).entries())
                .allSatisfy(e -> assertThat(e.task()).isEqualTo("invoice.render"));
        shop.mailServerUp = true;
        shop.drain();
        assertThat(shop.sent).hasSize(3);
    }

    @Test
    void purgeNeedsTheGroupsNameTyped() throws Exception {
        failSome();
        serve().navigate(url("#/errors"));
        page.getByTestId("purge").click();
        page.getByTestId("purge-confirm").fill("wrong");
        page.getByTestId("purge-go").click();
        assertThat(page.getByTestId("flash")).containsText("type the group's name");
        assertThat(shop.deferrable.stats().errors()).isEqualTo(5);

        page.getByTestId("purge-confirm").fill("shop");
        page.getByTestId("purge-go").click();

        assertThat(page.getByTestId("flash")).hasText("Purged 5 failed job(s)");
        assertThat(shop.deferrable.stats().errors()).isZero();
    }

    @Test
    void aDelayedJobCanBeRunNowAndAWaitingOneDeleted() throws Exception {
        failSome();
        serve().navigate(url("#/jobs?state=delayed"));
        page.getByTestId("job-row").first().click();
        page.getByTestId("run-now").click();
        assertThat(page.getByTestId("flash")).containsText("is due now");
        assertThat(shop.deferrable.stats().delayed()).isZero();
        assertThat(page.getByTestId("job-row")).hasCount(2);

        page.getByTestId("job-row").first().click();
        page.getByTestId("delete").click();
        assertThat(page.getByTestId("flash")).containsText("Deleted job");
        assertThat(shop.deferrable.stats().available()).isEqualTo(1);
    }

    @Test
    void readOnlyModeHidesAndRefusesActions() throws Exception {
        failSome();
        serve(Dashboard.builder().readOnly(true), USER, PASSWORD).navigate(url("#/errors"));
        assertThat(page.getByTestId("read-only")).isVisible();
        assertThat(page.getByTestId("error-row")).hasCount(5);
        assertThat(page.getByTestId("replay-matching")).hasCount(0);
        assertThat(page.getByTestId("purge")).hasCount(0);
        page.getByTestId("error-row").first().click();
        assertThat(page.getByTestId("error-detail")).isVisible();
        assertThat(page.getByRole(AriaRole.BUTTON)).hasCount(0);

        Object status = page.evaluate("async () => { const s = await (await fetch('api/session')).json();"
                + " const r = await fetch('api/groups/shop/errors/purge', {method: 'POST',"
                + " headers: {'X-CSRF-Token': s.csrf}, body: '{\"confirm\":\"shop\"}'}); return r.status; }");
        assertThat(status).isEqualTo(403);
        assertThat(shop.deferrable.stats().errors()).isEqualTo(5);
    }

    @Test
    void wrongCredentialsGet401() throws Exception {
        Response r = serve(Dashboard.builder(), USER, "wrong").navigate(url(""));
        assertThat(r.status()).isEqualTo(401);
    }

    @Test
    void aPostWithoutTheCsrfTokenIsRefused() throws Exception {
        failSome();
        serve().navigate(url("#/errors"));
        assertThat(page.getByTestId("error-row")).hasCount(5);

        Object status = page.evaluate("async () => (await fetch('api/groups/shop/errors/purge', {method: 'POST',"
                + " body: '{\"confirm\":\"shop\"}'})).status");

        assertThat(status).isEqualTo(403);
        assertThat(shop.deferrable.stats().errors()).isEqualTo(5);
    }

    @Test
    void aScriptInAPayloadIsShownAsText() throws Exception {
        String evil = "<script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 2\">";
        shop.mail.later(new Shop.Mail(evil, evil));
        shop.drain();
        serve().navigate(url("#/errors"));
        page.getByTestId("error-row").first().click();

        assertThat(page.getByTestId("arguments")).containsText("<script>window.pwned = 1</script>");
        assertThat(page.locator("main img")).hasCount(0);
        assertThat(page.evaluate("() => window.pwned === undefined")).isEqualTo(true);
    }

    @Test
    void sagasAreListedByStatusWithTheirStepsAndCanBeRetriedOrCancelled() throws Exception {
        String failed = shop.checkout.start("order-1");
        shop.drain();
        serve().navigate(url("#/sagas?status=COMPENSATION_FAILED"));
        assertThat(page.getByTestId("saga-row")).hasCount(1);
        page.getByTestId("saga-row").first().click();
        assertThat(page.getByTestId("saga-detail-status")).hasText("COMPENSATION_FAILED");
        assertThat(page.getByTestId("saga-steps")).containsText("refund API down for order-1");

        shop.refundBroken = false;
        page.getByTestId("saga-retry").click();
        assertThat(page.getByTestId("flash")).containsText("Compensation of saga " + failed + " retried");
        shop.drain();
        page.reload();
        assertThat(page.getByTestId("saga-detail-status")).hasText("COMPENSATED");

        String running = shop.checkout.start("order-2");
        page.navigate(url("#/sagas/" + running));
        page.getByTestId("saga-cancel").click();
        assertThat(page.getByTestId("flash")).containsText("Cancel requested");
        shop.drain();
        assertThat(shop.deferrable.sagas().find(running).orElseThrow().status().isTerminal()).isTrue();
        assertThat(shop.deferrable.sagas().find(running).orElseThrow().status())
                .isNotEqualTo(dev.actionqueues.deferred.SagaStatus.SUCCEEDED);
    }

    @Test
    void theWorkersSeenAreListedWithTheirConcurrency() throws Exception {
        failSome();
        shop.report.later("hourly", LaterOptions.delay(Duration.ofHours(1)));
        Worker worker = Worker.builder(shop.deferrable).concurrency(3).build().start();
        try {
            serve().navigate(url("#/overview"));
            assertThat(page.getByTestId("worker-row")).hasCount(1);
            assertThat(page.getByTestId("worker-row")).containsText(worker.registryName().orElseThrow());
            assertThat(page.getByTestId("worker-row").locator("td").nth(2)).hasText("3");
            screenshot("overview-workers");
        } finally {
            worker.shutdown(Duration.ofSeconds(10));
        }
        page.reload();
        assertThat(page.getByTestId("no-workers")).isVisible();
    }
}
