package dev.actionqueues.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actionqueues.deferred.Deferrable;
import dev.actionqueues.deferred.TaskDescriptor;
import dev.actionqueues.deferred.TaskProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The tasks jar of the process tests: task {@code it.work} takes {@code {"n": N}}, works for
 * {@code IT_WORK_MS} milliseconds, then appends N to the ledger file named by {@code IT_LEDGER},
 * forced to disk, so a test can count each job's runs after the worker process is gone.
 */
public final class LedgerTasks implements TaskProvider {

    @Override
    public void register(Deferrable deferrable) {
        Path ledger = Path.of(System.getenv("IT_LEDGER"));
        long workMillis = Long.parseLong(System.getenv().getOrDefault("IT_WORK_MS", "100"));
        deferrable.register(TaskDescriptor.of("it.work", JsonNode.class), args -> {
            Thread.sleep(workMillis);
            byte[] line = (args.get("n").asInt() + "\n").getBytes(StandardCharsets.UTF_8);
            try (FileChannel ch = FileChannel.open(ledger, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(line));
                ch.force(true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
