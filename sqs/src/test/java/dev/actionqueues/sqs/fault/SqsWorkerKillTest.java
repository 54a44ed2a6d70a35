package dev.actionqueues.sqs.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.spi.Backend;
import dev.actionqueues.deferred.spi.Lease;
import dev.actionqueues.sqs.SqsBackendFactory;
import dev.actionqueues.sqs.testing.ElasticMq;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;

/** A worker JVM killed mid-job: SQS hands the job out again once the visibility timeout runs out. */
class SqsWorkerKillTest {

    @TempDir
    Path dir;

    @Test
    void aJobWhoseWorkerJvmWasKilledComesBackAfterTheVisibilityTimeout() throws Exception {
        String group = "kill" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (SqsClient client = ElasticMq.client()) {
            Backend backend = SqsBackendFactory.builder().client(client).createQueues(true).build()
                    .createBackendForGroup(group);
            Deferrable.builder(backend).build().register("hang", String.class, s -> { }).later("x");
            Path marker = Files.createFile(dir.resolve("marker"));

            Process child = startWorker(group, marker);
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(marker).contains("started x"));
                // The heartbeat keeps the job hidden while the worker lives: nobody else can claim it.
                assertThat(backend.queue().claim(Duration.ofMinutes(1), Duration.ZERO)).isEmpty();
            } finally {
                child.destroyForcibly();
                child.waitFor();
            }
            long killed = System.nanoTime();

            Lease back = await().atMost(Duration.ofSeconds(30)).until(
                    () -> backend.queue().claim(Duration.ofMinutes(1), Duration.ofSeconds(1)), Optional::isPresent)
                    .orElseThrow();

            assertThat(back.deliveries()).isEqualTo(2);
            assertThat(back.payload()).contains("\"x\"");
            assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(15));
            assertThat(backend.queue().complete(back)).isTrue();
        }
    }

    private static Process startWorker(String group, Path marker) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), HangingWorkerProcess.class.getName(),
                ElasticMq.endpoint().toString(), group, "3", marker.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(marker.resolveSibling("worker.log").toFile())).start();
    }
}
