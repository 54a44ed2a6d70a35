package dev.actionqueues.redis.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private {@code redis-server} process on a free loopback port, for tests that kill or restart
 * a server (the machine's shared Redis is never touched). Data lives in its own directory with
 * {@code appendfsync always}, so a restart keeps every acknowledged write.
 */
public final class RedisServerProcess implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final List<String> extraArgs;
    private Process process;

    private RedisServerProcess(Path dir, int port, List<String> extraArgs) {
        this.dir = dir;
        this.port = port;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** Starts a durable server (AOF, fsync on every write) on a free port. */
    public static RedisServerProcess startDurable() throws IOException {
        return start(List.of("--appendonly", "yes", "--appendfsync", "always"));
    }

    /** Starts a server on a free port with extra {@code redis-server} arguments. */
    public static RedisServerProcess start(List<String> extraArgs) throws IOException {
        Path dir = Files.createTempDirectory("aq-redis-");
        RedisServerProcess server = new RedisServerProcess(dir, freePort(), extraArgs);
        server.launch();
        return server;
    }

    /** A free TCP port below 55535 (a cluster node also needs port + 10000 for its bus). */
    public static int freePort() throws IOException {
        for (int i = 0; i < 100; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                int p = s.getLocalPort();
                if (p < 55535 && isFree(p + 10000)) {
                    return p;
                }
            }
        }
        throw new IOException("no free port pair found");
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort() == port;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no shutdown save, like a crash. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts the server again on the same port and directory (after {@link #kill()}). */
    public void restart() throws IOException {
        if (isAlive()) {
            throw new IllegalStateException("still running");
        }
        launch();
    }

    private void launch() throws IOException {
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--daemonize", "no",
                "--protected-mode", "no"));
        cmd.addAll(extraArgs);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile())).start();
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !process.isAlive() || ping(port));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IOException("redis-server did not answer PING on port " + port + " within 20 s", e);
        }
        if (!process.isAlive()) {
            throw new IOException("redis-server exited with " + process.exitValue() + "; log: "
                    + Files.readString(dir.resolve("server.log")));
        }
    }

    /** Sends PING in RESP and waits for a reply starting with "+PONG" or "-LOADING" (still up). */
    public static boolean ping(int port) {
        return "+PONG".equals(command(port, "PING"));
    }

    /** Runs one inline command and returns the first reply line, or null on any I/O failure. */
    public static String command(int port, String inline) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temp directory left behind is harmless; say so rather than hide it.
            System.err.println("could not delete " + dir + ": " + e);
        }
    }
}
