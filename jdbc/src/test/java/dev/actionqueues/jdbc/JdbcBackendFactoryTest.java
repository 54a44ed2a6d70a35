package dev.actionqueues.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.deferred.BackendException;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.NewJob;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** What the contract suite does not see: names, the shipped script, and how failures are reported. */
class JdbcBackendFactoryTest {

    /** A data source whose every connection attempt fails as an unreachable server does. */
    private static DataSource failing() {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        throw new SQLException("Connection to 127.0.0.1:5999 refused.", "08001");
                    }
                    if (method.getName().equals("toString")) {
                        return "failing";
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void tablePrefixesThatCouldBreakOutOfAnIdentifierAreRejected() {
        for (String bad : new String[] {"", "1aq_", "Aq_", "aq-", "aq_; drop table x; --", "aq\"", "aq.jobs_",
                "a".repeat(41), "_aq"}) {
            assertThatThrownBy(() -> JdbcBackendFactory.builder().tablePrefix(bad))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tablePrefix");
        }
        assertThatThrownBy(() -> JdbcBackendFactory.builder().tablePrefix(null))
                .isInstanceOf(NullPointerException.class);
        JdbcBackendFactory factory = JdbcBackendFactory.builder().dataSource(failing()).tablePrefix("my_app_q1_")
                .createSchema(false).build();
        assertThat(factory.tablePrefix()).isEqualTo("my_app_q1_");
        assertThat(JdbcBackendFactory.builder().dataSource(failing()).createSchema(false).build().tablePrefix())
                .isEqualTo("aq_");
    }

    @Test
    void groupNamesAreParametersSoAnyNonBlankNameIsAccepted() {
        JdbcBackendFactory factory = JdbcBackendFactory.builder().dataSource(failing()).createSchema(false).build();
        Backend backend = factory.createBackendForGroup("orders'; DROP TABLE aq_jobs; --");
        assertThat(backend.group()).isEqualTo("orders'; DROP TABLE aq_jobs; --");
        assertThatThrownBy(() -> factory.createBackendForGroup(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> factory.createBackendForGroup(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> JdbcBackendFactory.builder().build()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theShippedScriptTakesTheConfiguredPrefixEverywhere() {
        String sql = JdbcBackendFactory.schemaSql("shop_");
        assertThat(sql).contains("CREATE TABLE IF NOT EXISTS shop_jobs",
                "CREATE SEQUENCE IF NOT EXISTS shop_job_tokens", "shop_jobs_unique_live").doesNotContain("aq_");
        assertThat(JdbcBackendFactory.schemaSql("aq_")).contains("aq_jobs");
    }

    @Test
    void sqlExceptionsNeverCrossTheSpiAndSayWhatFailed() {
        assertThatThrownBy(() -> JdbcBackendFactory.builder().dataSource(failing()).build())
                .isInstanceOf(BackendException.class).hasCauseInstanceOf(SQLException.class)
                .hasMessageContaining("creating the schema").hasMessageContaining("08001");

        JdbcBackendFactory factory = JdbcBackendFactory.builder().dataSource(failing()).createSchema(false).build();
        Backend backend = factory.createBackendForGroup("billing");
        assertThatThrownBy(() -> backend.queue().push(NewJob.of("j1", "{}")))
                .isInstanceOf(BackendException.class).hasCauseInstanceOf(SQLException.class)
                .hasMessageContaining("push").hasMessageContaining("aq_jobs").hasMessageContaining("'billing'")
                .hasMessageContaining("refused");
        assertThatThrownBy(() -> backend.queue().claimBatch(1, Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(BackendException.class).hasMessageContaining("claim");
        assertThatThrownBy(() -> backend.errorQueue().stats())
                .isInstanceOf(BackendException.class).hasMessageContaining("stats").hasMessageContaining("'error'");
    }

    @Test
    void invalidArgumentsAreRejectedBeforeAnySql() {
        JdbcBackendFactory factory = JdbcBackendFactory.builder().dataSource(failing()).createSchema(false).build();
        var queue = factory.createBackendForGroup("g").queue();
        assertThatThrownBy(() -> queue.push(NewJob.of("nul", "a\u0000b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
        assertThatThrownBy(() -> queue.claimBatch(0, Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> queue.claimBatch(1, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> factory.createBackendForGroup("g").errorQueue().replayError("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
