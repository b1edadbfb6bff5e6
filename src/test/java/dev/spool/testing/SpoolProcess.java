package dev.spool.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Spool as a process of its own ({@code spool serve} in a new JVM on the test classpath), for what only a real
 * process shows: a small heap, a kill -9. SQLite in {@code dir}, no workers unless {@code env} says otherwise.
 *
 * <p>Its port is chosen before it starts, not bound at 0: a restart must come back on the same port, which the
 * URLs it handed out (a tus upload's Location) name.
 */
public final class SpoolProcess implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(90);

    private final List<String> command;
    private final Map<String, String> env;
    private final Path log;
    private final String baseUrl;
    private Process process;

    private SpoolProcess(List<String> command, Map<String, String> env, Path log, String baseUrl) {
        this.command = command;
        this.env = env;
        this.log = log;
        this.baseUrl = baseUrl;
    }

    /** Starts {@code spool serve} with {@code env} over the defaults, and waits until it answers /healthz. */
    public static SpoolProcess start(Path dir, Map<String, String> env, String... jvmOptions) {
        int port = freePort();
        String baseUrl = "http://127.0.0.1:" + port;
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of(
                "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                "dev.spool.cli.Main",
                "serve"));
        var environment = new HashMap<>(Map.of(
                "SPOOL_PORT",
                Integer.toString(port),
                "SPOOL_DATA_DIR",
                dir.resolve("data").toString(),
                "SPOOL_PUBLIC_URL",
                baseUrl,
                "SPOOL_WORKERS",
                "0"));
        environment.putAll(env);
        var spool = new SpoolProcess(List.copyOf(command), Map.copyOf(environment), dir.resolve("server.log"), baseUrl);
        spool.launch();
        return spool;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Path dataDir() {
        return Path.of(env.get("SPOOL_DATA_DIR"));
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no graceful close; returns once the process is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            assertThat(process.waitFor(30, TimeUnit.SECONDS))
                    .as("the killed server exited")
                    .isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM, then waits up to {@code wait} for the process to stop on its own; fails when it did not. */
    public void stopWithin(Duration wait) {
        process.destroy();
        try {
            assertThat(process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS))
                    .as("the server stopped within %s", wait)
                    .isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the server again, same port, data directory and database. */
    public void restart() {
        launch();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void launch() {
        var builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().remove("SPOOL_DATABASE_URL");
        builder.environment().remove("SPOOL_STORAGE_URL");
        builder.environment().putAll(env);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Await.until(this::healthy, up -> up, STARTUP, "the server to answer /healthz (log: " + log + ")");
    }

    private boolean healthy() {
        try {
            return new ApiClient(baseUrl, null).get("/healthz").status() == 200;
        } catch (UncheckedIOException notListeningYet) {
            assertThat(process.isAlive())
                    .as("the server process is running (log: %s)", log)
                    .isTrue();
            return false;
        }
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
