package dev.actionqueues.jdbc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of a test's own, from the machine's Debian binaries
 * ({@code /usr/lib/postgresql/<version>/bin}), in a temporary directory on a free port of
 * 127.0.0.1, trust auth, database {@code test}. PostgreSQL refuses to run as root, so as root every
 * binary runs as user {@code postgres} ({@code runuser -u postgres --}). Unlike the shared server,
 * a test may stop, crash and restart it.
 *
 * <p>Settings: {@code synchronous_commit=on} (a commit is on disk, as far as the server knows,
 * before it is acknowledged: what crash tests rely on) and {@code fsync=off} for speed. fsync only
 * matters when the operating system itself crashes: a killed or restarted server still finds every
 * acknowledged commit in its WAL (the kernel has the writes), which is all these tests do.
 */
public final class PrivatePostgres implements AutoCloseable {

    private static final Path DEBIAN = Path.of("/usr/lib/postgresql");

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final int port;
    private final boolean asPostgres;

    private PrivatePostgres(Path bin, Path dir, int port, boolean asPostgres) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.asPostgres = asPostgres;
    }

    /** Why a private server cannot be started here, or empty when it can. */
    public static Optional<String> unavailable() {
        if (binaries().isEmpty()) {
            return Optional.of("no PostgreSQL binaries under " + DEBIAN + " (Debian package postgresql)");
        }
        if (isRoot() && !Files.isExecutable(Path.of("/usr/sbin/runuser")) && !Files.isExecutable(Path.of("/sbin/runuser"))) {
            return Optional.of("running as root without runuser, and PostgreSQL refuses to run as root");
        }
        return Optional.empty();
    }

    /**
     * Creates the cluster (initdb), starts it and creates database {@code test}.
     *
     * @throws IllegalStateException if {@link #unavailable()} has a reason, or a step fails (its
     *     output is in the message)
     */
    public static PrivatePostgres start() throws IOException, InterruptedException {
        unavailable().ifPresent(reason -> {
            throw new IllegalStateException(reason);
        });
        Path dir = Files.createTempDirectory("aq-private-pg-");
        PrivatePostgres pg = new PrivatePostgres(binaries().get(), dir, freePort(), isRoot());
        try {
            pg.ownDirectory();
            pg.run("initdb", "-D", pg.data.toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
                    "--no-sync");
            Files.writeString(pg.data.resolve("postgresql.conf"), String.join("\n", "",
                    "port = " + pg.port, "listen_addresses = '127.0.0.1'",
                    "unix_socket_directories = '" + dir + "'", "synchronous_commit = on", "fsync = off",
                    "max_connections = 40", "shared_buffers = 32MB", ""),
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
            pg.startServer();
            pg.run("psql", "-h", "127.0.0.1", "-p", Integer.toString(pg.port), "-U", "postgres", "-d", "postgres",
                    "-qAtc", "CREATE DATABASE test");
            return pg;
        } catch (IOException | InterruptedException | RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /** The JDBC URL of database {@code test} (user {@code postgres}, no password). */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/test";
    }

    /** Starts the server on its data directory (again), waiting until it accepts connections. */
    public void startServer() throws IOException, InterruptedException {
        run("pg_ctl", "-D", data.toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60", "start");
    }

    /**
     * Stops the server: {@code immediate} is a crash (no checkpoint; the next start replays the
     * WAL), {@code fast} a clean shutdown that disconnects every client.
     */
    public void stopServer(String mode) throws IOException, InterruptedException {
        run("pg_ctl", "-D", data.toString(), "-m", mode, "-w", "-t", "60", "stop");
    }

    /** The server's log, for a failure message. */
    public String log() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the server if it runs and deletes its directory. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (Files.exists(data.resolve("postmaster.pid"))) {
            try {
                stopServer("immediate");
            } catch (IllegalStateException e) {
                // Already stopped; the directory goes anyway.
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void run(String binary, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (asPostgres) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.add(bin.resolve(binary).toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " failed: "
                    + new String(out, StandardCharsets.UTF_8));
        }
    }

    private void ownDirectory() throws IOException {
        if (!asPostgres) {
            return;
        }
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = users.lookupPrincipalByName("postgres");
        GroupPrincipal group = users.lookupPrincipalByGroupName("postgres");
        PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
        view.setOwner(user);
        view.setGroup(group);
    }

    /** The newest version's bin directory that has initdb, pg_ctl, postgres and psql. */
    private static Optional<Path> binaries() {
        if (!Files.isDirectory(DEBIAN)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(DEBIAN)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Stream.of("initdb", "pg_ctl", "postgres", "psql")
                            .allMatch(n -> Files.isExecutable(b.resolve(n))))
                    .max(Comparator.comparingInt(PrivatePostgres::version));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int version(Path bin) {
        String name = bin.getParent().getFileName().toString();
        return name.matches("\\d+") ? Integer.parseInt(name) : 0;
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
