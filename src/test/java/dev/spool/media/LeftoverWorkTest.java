package dev.spool.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a process killed with kill -9 leaves behind: its ffmpeg children die with it, a restart reaps the rest. */
class LeftoverWorkTest {

    @Test
    void givenAJvmRunningFfmpeg_whenTheJvmIsKilledWithSigkill_thenItsFfmpegChildDiesToo(@TempDir Path dir)
            throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        var builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx128m",
                        "-cp",
                        classpath,
                        ChildProcessMain.class.getName(),
                        TestMedia.binaries().ffmpeg().toString(),
                        "-nostdin",
                        "-re",
                        "-f",
                        "lavfi",
                        "-i",
                        "nullsrc=s=16x16:r=5",
                        "-t",
                        "600",
                        "-f",
                        "null",
                        "-")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("jvm.log").toFile());
        builder.environment().putAll(TestMedia.binaries().environment());
        var jvm = builder.start();
        ProcessHandle ffmpeg = null;
        try {
            ffmpeg = awaitChild(jvm.toHandle());

            jvm.destroyForcibly();
            jvm.waitFor(10, TimeUnit.SECONDS);

            assertThat(ffmpeg.onExit()
                            .completeOnTimeout(null, 10, TimeUnit.SECONDS)
                            .get())
                    .as("ffmpeg %d still runs after its JVM was killed", ffmpeg.pid())
                    .isNotNull();
        } finally {
            jvm.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            jvm.destroyForcibly();
            if (ffmpeg != null) {
                ffmpeg.destroyForcibly();
            }
        }
    }

    @Test
    void givenAnOrphanedFfmpegAndStaleWorkDirectories_whenReaped_thenTheyAreGoneAndFreshWorkStays(@TempDir Path dir)
            throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path stale = Files.createDirectories(work.resolve("task-1-1"));
        Files.writeString(stale.resolve("chunk-0.ts"), "half an encode");
        age(stale.resolve("chunk-0.ts"));
        age(stale);
        Path fresh = Files.createDirectories(work.resolve("task-2-1"));
        Files.writeString(fresh.resolve("chunk-0.ts"), "being written");
        var binaries = TestMedia.binaries();
        // A shell that starts ffmpeg in the background and exits: ffmpeg is orphaned, as after kill -9 of Spool.
        var shell = new ProcessBuilder(
                "setsid",
                "sh",
                "-c",
                "'" + binaries.ffmpeg() + "' -nostdin -re -f lavfi " + "-i nullsrc=s=16x16:r=5 -t 600 -f null '"
                        + work.resolve("task-1-1/out") + "' >/dev/null 2>&1 &");
        shell.environment().putAll(binaries.environment());
        shell.start().waitFor(10, TimeUnit.SECONDS);
        ProcessHandle orphan = awaitProcessWithArgument(work.toString());

        LeftoverWork.Reaped reaped;
        boolean survived;
        try {
            reaped = LeftoverWork.reap(work, binaries, Duration.ofMinutes(1), Clock.systemUTC());
            survived = orphan.isAlive();
        } finally {
            orphan.destroyForcibly();
        }

        assertThat(survived).isFalse();
        assertThat(reaped.processes()).isEqualTo(1);
        assertThat(stale).doesNotExist();
        assertThat(fresh.resolve("chunk-0.ts")).exists();
        assertThat(reaped.directories()).isEqualTo(1);
    }

    @Test
    void givenAStaleWorkDirectory_whenAServerWithWorkersRestarts_thenItIsRemoved() throws Exception {
        try (var server = TestServer.start(Store.SQLITE, Map.of("SPOOL_WORKERS", "1"))) {
            Path stale =
                    Files.createDirectories(server.dataDir().resolve("work").resolve("task-9-1"));
            Files.writeString(stale.resolve("chunk-3.ts"), "left by a killed worker");
            age(stale.resolve("chunk-3.ts"));
            age(stale);

            server.restart();

            assertThat(stale).doesNotExist();
        }
    }

    private static void age(Path path) throws IOException {
        Files.setLastModifiedTime(path, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    }

    private static ProcessHandle awaitChild(ProcessHandle parent) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> child = parent.descendants()
                    .filter(p ->
                            p.info().command().filter(c -> c.contains("ffmpeg")).isPresent())
                    .findFirst();
            if (child.isPresent()) {
                return child.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the JVM started no ffmpeg within 30 s");
    }

    private static ProcessHandle awaitProcessWithArgument(String argument) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> found = ProcessHandle.allProcesses()
                    .filter(p ->
                            p.info().command().filter(c -> c.contains("ffmpeg")).isPresent())
                    .filter(p -> p.info().arguments().map(List::of).orElse(List.of()).stream()
                            .anyMatch(a -> a.contains(argument)))
                    .findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the planted ffmpeg did not start");
    }
}
