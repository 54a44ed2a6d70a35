package dev.actionqueues.sqs.fault;

import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.Worker;
import dev.actionqueues.sqs.SqsBackendFactory;
import dev.actionqueues.sqs.testing.ElasticMq;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The worker JVM of {@link SqsWorkerKillTest}: a worker on the SQS backend whose task "hang" notes
 * its argument in a file and then never returns, so the test can kill the JVM mid-job.
 * Args: endpoint, group, lease seconds, marker file.
 */
public final class HangingWorkerProcess {

    private HangingWorkerProcess() {
    }

    public static void main(String[] args) throws Exception {
        // Die with the test JVM: its end closes our stdin.
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (System.in.read() != -1) {
                    Thread.onSpinWait();
                }
            } catch (java.io.IOException e) {
                // stdin is gone either way
            }
            Runtime.getRuntime().halt(0);
        });
        SqsBackendFactory factory = SqsBackendFactory.builder().client(ElasticMq.clientFor(URI.create(args[0])))
                .build();
        Deferrable deferrable = Deferrable.builder(factory.createBackendForGroup(args[1])).build();
        Path marker = Path.of(args[3]);
        CountDownLatch never = new CountDownLatch(1);
        deferrable.register("hang", String.class, s -> {
            Files.writeString(marker, "started " + s + "\n", StandardOpenOption.APPEND);
            never.await();
        });
        Worker.builder(deferrable).concurrency(1)
                .leaseDuration(Duration.ofSeconds(Long.parseLong(args[2]))).build().start();
        Thread.currentThread().join();
    }
}
