package dev.actionqueues.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.actionqueues.deferred.BackendException;
import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.TaskOptions;
import dev.actionqueues.sqs.testing.ElasticMq;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The factory on ElasticMQ: names, creation with a redrive policy, start-up checks, secrets. */
class SqsBackendFactoryTest {

    private static SqsClient client;

    @BeforeAll
    static void connect() {
        client = ElasticMq.client();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    private static String group() {
        return "f" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    @Test
    void queueNamesFollowTheSeedWithAnOptionalSuffix() {
        SqsBackendFactory plain = SqsBackendFactory.builder().client(client).build();
        SqsBackendFactory suffixed = SqsBackendFactory.builder().client(client).nameSuffix("eu-1").build();

        assertThat(plain.queueName("orders")).isEqualTo("deferrable_orders");
        assertThat(plain.errorQueueName("orders")).isEqualTo("deferrable_orders_error");
        assertThat(suffixed.queueName("orders")).isEqualTo("deferrable_orders_eu-1");
        assertThat(suffixed.errorQueueName("orders")).isEqualTo("deferrable_orders_eu-1_error");
        assertThatThrownBy(() -> plain.queueName("a.b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> plain.queueName("x".repeat(70))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("80 characters");
        assertThatThrownBy(() -> SqsBackendFactory.builder().nameSuffix("a b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void missingQueuesAreReportedUnlessTheFactoryCreatesThem() {
        String group = group();
        SqsBackendFactory strict = SqsBackendFactory.builder().client(client).build();
        assertThatThrownBy(() -> strict.createBackendForGroup(group)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("deferrable_" + group + "_error").hasMessageContaining("createQueues(true)");

        SqsBackendFactory creating = SqsBackendFactory.builder().client(client).createQueues(true).build();
        creating.createBackendForGroup(group);

        Map<String, String> main = attributes("deferrable_" + group);
        String errorArn = attributes("deferrable_" + group + "_error").get("QueueArn");
        assertThat(main.get("RedrivePolicy")).contains(errorArn).containsPattern("\"maxReceiveCount\":\"?10\"?");
        assertThat(strict.createBackendForGroup(group).group()).as("existing queues that fit are accepted")
                .isEqualTo(group);
    }

    @Test
    void anExistingQueueWithoutARedrivePolicyIsReportedAtStartUp() {
        String group = group();
        client.createQueue(b -> b.queueName("deferrable_" + group + "_error"));
        client.createQueue(b -> b.queueName("deferrable_" + group));

        assertThatThrownBy(() -> SqsBackendFactory.builder().client(client).createQueues(true).build()
                .createBackendForGroup(group)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has no redrive policy").hasMessageContaining("deadLetterTargetArn");
    }

    @Test
    void aRedrivePolicyToAnotherQueueOrWithAnotherCountIsReportedAtStartUp() {
        String group = group();
        SqsBackendFactory.builder().client(client).createQueues(true).build().createBackendForGroup(group);
        String other = client.createQueue(b -> b.queueName("elsewhere_" + group)).queueUrl();
        String otherArn = client.getQueueAttributes(b -> b.queueUrl(other).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String main = client.getQueueUrl(b -> b.queueName("deferrable_" + group)).queueUrl();
        client.setQueueAttributes(b -> b.queueUrl(main).attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + otherArn + "\",\"maxReceiveCount\":\"3\"}")));

        assertThatThrownBy(() -> SqsBackendFactory.builder().client(client).build().createBackendForGroup(group))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not target the error queue")
                .hasMessageContaining("maxReceiveCount 3");
        assertThat(SqsBackendFactory.DEFAULT_MAX_RECEIVE_COUNT).isEqualTo(10);
    }

    @Test
    void anErrorQueueThatKeepsMessagesLessLongThanTheMainQueueOrAFifoQueueIsReported() {
        String arn = "arn:aws:sqs:eu-west-1:1:deferrable_g_error";
        Map<String, String> main = Map.of("RedrivePolicy", "{\"deadLetterTargetArn\":\"" + arn
                + "\",\"maxReceiveCount\":10}", "MessageRetentionPeriod", "1209600");
        Map<String, String> error = Map.of("QueueArn", arn, "MessageRetentionPeriod", "345600", "FifoQueue", "true");

        assertThat(QueueCheck.problems("deferrable_g", main, "deferrable_g_error", error, 10, false)).hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("keeps messages 345600 s, less than the main queue"))
                .anySatisfy(p -> assertThat(p).contains("FIFO"));
        assertThat(QueueCheck.problems("deferrable_g", main, "deferrable_g_error",
                Map.of("QueueArn", arn, "MessageRetentionPeriod", "1209600"), 10, false)).isEmpty();
        assertThat(QueueCheck.problems("deferrable_g", main, "deferrable_g_error",
                Map.of("QueueArn", arn, "MessageRetentionPeriod", "1209600"), 10, true))
                .as("configured for FIFO: the standard queues are reported").hasSize(2)
                .allSatisfy(p -> assertThat(p).contains("is a standard queue").contains("fifo(true)"));
        assertThatThrownBy(() -> SqsBackendFactory.builder().retention(Duration.ofDays(5), Duration.ofDays(4)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDebouncedTaskIsRejectedWithAClearErrorAsSqsCannotDebounce() {
        var backend = SqsBackendFactory.builder().client(client).createQueues(true).build()
                .createBackendForGroup(group());
        Deferrable deferrable = Deferrable.builder(backend).build();

        assertThatThrownBy(() -> deferrable.register("debounced", String.class,
                TaskOptions.builder().debounce(Duration.ofSeconds(5)).build(), s -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot debounce");
    }

    @Test
    void credentialsNeverAppearInToStringOrInExceptions() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (SqsClient unreachable = ElasticMq.clientFor(URI.create("http://127.0.0.1:" + closedPort))) {
            SqsBackendFactory factory = SqsBackendFactory.builder().client(unreachable).build();
            assertThat(factory.toString()).doesNotContain(ElasticMq.ACCESS_KEY).doesNotContain(ElasticMq.SECRET_KEY);

            Throwable thrown = null;
            try {
                factory.createBackendForGroup("g");
            } catch (BackendException e) {
                thrown = e;
            }
            assertThat(thrown).isNotNull();
            for (Throwable t = thrown; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t)).doesNotContain(ElasticMq.ACCESS_KEY).doesNotContain(ElasticMq.SECRET_KEY);
            }
        }
    }

    @Test
    void maskedMessagesHideAccessKeysSignaturesAndTokens() {
        String raw = "Credential=AKIAABCDEFGHIJKLMNOP/20260101/eu-west-1/sqs/aws4_request, Signature=0123abcd "
                + "key ASIAABCDEFGHIJKLMNOP X-Amz-Security-Token=abc/def==";
        String masked = SqsFailures.mask(raw);
        assertThat(masked).doesNotContain("AKIAABCDEFGHIJKLMNOP").doesNotContain("ASIAABCDEFGHIJKLMNOP")
                .doesNotContain("0123abcd").doesNotContain("abc/def");
    }

    private static Map<String, String> attributes(String queue) {
        String url = client.getQueueUrl(b -> b.queueName(queue)).queueUrl();
        return client.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL))
                .attributesAsStrings();
    }
}
