package dev.spool.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spool.testing.Await;
import dev.spool.testing.FinishedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar's entry point under a java older than 21: it re-runs Spool on a JDK 21+ it finds, passing
 * arguments and exit code through, or says what to install. The old java is a JDK from /usr/lib/jvm;
 * without one the re-launch tests are skipped, saying so.
 */
class LauncherTest {

    @TempDir
    Path dir;

    @Test
    void givenOldJava_whenVersionAsked_thenAnsweredByTheRelaunchedSpool() throws Exception {
        Path oldJava = oldJava();

        FinishedProcess run = launch(oldJava, searchFindingThisJdk(), "--version");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("spool 0.1.0");
    }

    @Test
    void givenOldJava_whenSpoolExitsWithAnError_thenTheSameExitCodeAndMessageComeBack() throws Exception {
        Path oldJava = oldJava();

        FinishedProcess run = launch(oldJava, searchFindingThisJdk(), "--no-such-option");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("Unknown option: '--no-such-option'");
    }

    @Test
    void givenOldJava_whenServingAndStopped_thenSpoolRanOnTheNewerJdkWithTheSameOptionsAndStopsToo() throws Exception {
        Path oldJava = oldJava();
        Path dataDir = dir.resolve("data");
        ProcessBuilder builder = new ProcessBuilder(
                        oldJava.toString(),
                        "-Dspool.test.forwarded=yes",
                        "-D" + Launcher.SEARCH_PROPERTY + "=" + searchFindingThisJdk(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Launcher.class.getName(),
                        "serve",
                        "--port",
                        "0",
                        "--data-dir",
                        dataDir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("serve.log").toFile());
        builder.environment().remove("JAVA_HOME");
        builder.environment().put("SPOOL_WORKERS", "0");
        Process launcher = builder.start();
        try {
            Await.until(
                    () -> read(dir.resolve("serve.log")),
                    log -> log.contains("Spool is listening"),
                    Duration.ofSeconds(90),
                    "spool serve listening");
            // The lock file of the data directory names the process that serves it: the re-launched Spool.
            long pid = Long.parseLong(
                    Files.readString(dataDir.resolve("spool.lock")).strip());
            ProcessHandle spool = ProcessHandle.of(pid).orElseThrow();

            assertThat(pid).isNotEqualTo(launcher.pid());
            assertThat(spool.parent().map(ProcessHandle::pid)).contains(launcher.pid());
            assertThat(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"))
                            .split("\0"))
                    .contains("-Dspool.test.forwarded=yes");

            launcher.destroy();

            assertThat(launcher.waitFor(60, TimeUnit.SECONDS))
                    .as("the launcher stops on SIGTERM")
                    .isTrue();
            assertThat(spool.isAlive()).as("Spool stopped before its launcher").isFalse();
        } finally {
            launcher.destroyForcibly();
        }
    }

    @Test
    void givenOldJavaAndNoNewerJdkInstalled_whenLaunched_thenOneLineSaysWhatToInstall() throws Exception {
        Path oldJava = oldJava();
        Path empty = Files.createDirectories(dir.resolve("no-jdks"));

        FinishedProcess run = launch(oldJava, empty.toString(), "serve");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr().strip().lines())
                .singleElement()
                .satisfies(line -> assertThat(line)
                        .contains("Spool needs Java 21 or later")
                        .contains("apt-get install openjdk-21-jre-headless")
                        .contains("Temurin 21")
                        .contains(empty.toString()));
    }

    @Test
    void givenEmptySearchFolders_whenSearched_thenNoJdkAndTheMessageNamesWhatToInstall() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path notAJdk = Files.createDirectories(empty.resolve("jdk-99"));
        Files.writeString(notAJdk.resolve("release"), "JAVA_VERSION=\"99\"\n");

        assertThat(Launcher.findJdk(null, List.of(empty))).isNull();
        assertThat(Launcher.noJdkMessage(17))
                .contains("this java is 17")
                .contains("apt-get install openjdk-21-jre-headless");
    }

    @Test
    void givenThisJdkInASearchFolder_whenSearched_thenFoundOverAnOlderOne() {
        Path thisJdk = Path.of(System.getProperty("java.home"));

        assertThat(Launcher.findJdk("/nonexistent", List.of(thisJdk.getParent())))
                .isNotNull()
                .satisfies(found -> assertThat(Launcher.version(found)).isGreaterThanOrEqualTo(21));
        assertThat(Launcher.findJdk(thisJdk.toString(), List.of())).isEqualTo(thisJdk);
        assertThat(Launcher.major("1.8.0_392")).isEqualTo(8);
        assertThat(Launcher.major("17.0.15")).isEqualTo(17);
    }

    /** A java older than 21 installed beside the one running the tests, or a named skip. */
    private static Path oldJava() throws IOException {
        Optional<Path> found = Optional.empty();
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> homes = Files.list(jvms)) {
                found = homes.sorted()
                        .filter(home -> {
                            int version = Launcher.version(home);
                            return version > 0 && version < Launcher.REQUIRED;
                        })
                        .findFirst();
            }
        }
        assumeTrue(found.isPresent(), "no JDK older than 21 under /usr/lib/jvm: the re-launch is not exercised here");
        return found.get().resolve("bin").resolve("java");
    }

    /** A search path holding the JDK that runs these tests, which is 21 or later. */
    private static String searchFindingThisJdk() {
        return Path.of(System.getProperty("java.home")).getParent().toString();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private FinishedProcess launch(Path java, String search, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                java.toString(),
                "-D" + Launcher.SEARCH_PROPERTY + "=" + search,
                "-cp",
                System.getProperty("java.class.path"),
                Launcher.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("JAVA_HOME");
        return FinishedProcess.run(builder, dir, Duration.ofSeconds(60));
    }
}
