package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.FinishedProcess;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spool serve} as an operator runs it (a process of its own): a start it cannot make ends
 * with one line on stderr saying why, exit code 2, and no stack trace anywhere.
 */
class StartupProblemsTest {

    @TempDir
    Path dir;

    @Test
    void givenServeRunningOnADataDirectory_whenASecondServeStartsThere_thenItIsRefusedNamingTheHolder()
            throws Exception {
        try (var first = TestServer.start(Store.SQLITE)) {
            FinishedProcess second =
                    serve(Map.of("SPOOL_DATA_DIR", first.dataDir().toString(), "SPOOL_WORKERS", "0"));

            assertThat(second.exitCode()).isEqualTo(2);
            assertThat(oneLineError(second))
                    .startsWith("spool: the data directory " + first.dataDir() + " is in use by another Spool (pid "
                            + ProcessHandle.current().pid() + ")")
                    .contains("one server per data directory");
            assertThat(first.admin().get("/api/task").status()).isEqualTo(200);
        }
    }

    @Test
    void givenPortInUse_whenServeStarts_thenOneLineAndNoWorkerOrStoreStarted() throws Exception {
        try (var taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            Path dataDir = dir.resolve("data");

            FinishedProcess run = serve(Map.of(
                    "SPOOL_PORT",
                    Integer.toString(taken.getLocalPort()),
                    "SPOOL_DATA_DIR",
                    dataDir.toString(),
                    "SPOOL_WORKERS",
                    "1"));

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(oneLineError(run))
                    .isEqualTo(
                            "spool: port " + taken.getLocalPort()
                                    + " is already in use; stop what listens there or choose another port with --port or SPOOL_PORT");
            assertThat(run.stdout()).doesNotContain("using ffmpeg");
            assertThat(dataDir.resolve("cache")).doesNotExist();
            assertThat(dataDir.resolve("spool.db")).doesNotExist();
        }
    }

    @Test
    void givenDataDirectoryPathIsAFile_whenServeStarts_thenOneLineNamesIt() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");

        FinishedProcess run =
                serve(Map.of("SPOOL_DATA_DIR", file.resolve("data").toString(), "SPOOL_WORKERS", "0"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(oneLineError(run))
                .startsWith("spool: cannot create the data directory " + file.resolve("data"))
                .endsWith("choose another with --data-dir or SPOOL_DATA_DIR");
    }

    @Test
    void givenBadConfigurationValue_whenServeStarts_thenOneLineNamesTheSetting() throws Exception {
        FinishedProcess run = serve(Map.of("SPOOL_DATA_DIR", dir.resolve("data").toString(), "SPOOL_WORKERS", "many"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(oneLineError(run)).startsWith("spool: ").contains("SPOOL_WORKERS");
    }

    /** Runs {@code spool serve} in a JVM of its own with this test's classpath and {@code env}. */
    private FinishedProcess serve(Map<String, String> env) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(
                List.of(java.toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve"));
        builder.environment().keySet().removeIf(name -> name.startsWith("SPOOL_"));
        builder.environment().put("SPOOL_PORT", Integer.toString(freePort()));
        builder.environment().putAll(env);
        return FinishedProcess.run(builder, dir, Duration.ofSeconds(60));
    }

    private static int freePort() throws Exception {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The whole of stderr, which must be one line, with no stack trace on stdout either. */
    private static String oneLineError(FinishedProcess run) {
        assertThat(run.stdout()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run.stderr().strip().lines()).as(run.stderr()).hasSize(1);
        return run.stderr().strip();
    }
}
