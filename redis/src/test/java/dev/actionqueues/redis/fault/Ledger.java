package dev.actionqueues.redis.fault;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An independent record of executions, kept outside Redis: one line per run of a job, appended by
 * the worker process before it acknowledges the job. A SIGKILL cannot lose a line already written
 * (the kernel keeps it), so the ledger tells exactly what ran, and how often.
 */
public final class Ledger implements AutoCloseable {

    private final FileChannel channel;
    private final ReentrantLock lock = new ReentrantLock();

    public Ledger(Path file) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    public void record(String id) throws IOException {
        ByteBuffer line = ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.UTF_8));
        lock.lock();
        try {
            while (line.hasRemaining()) {
                channel.write(line);
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many times each id ran, read from the file. */
    public static Map<String, Integer> runs(Path file) throws IOException {
        Map<String, Integer> runs = new HashMap<>();
        if (!Files.exists(file)) {
            return runs;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String l : lines) {
            if (!l.isBlank()) {
                runs.merge(l.strip(), 1, Integer::sum);
            }
        }
        return runs;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
