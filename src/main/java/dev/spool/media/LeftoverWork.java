package dev.spool.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a process killed without warning (kill -9, power loss) leaves in its work directory: ffmpeg children that
 * outlived it and the directories of its unfinished attempts. A starting worker reaps both. A child is only killed
 * when it is an orphan (its parent gone) running one of Spool's ffmpeg binaries on a file of this work directory; a
 * directory only when nothing in it changed for {@code quiet}, so another live process sharing the data directory
 * keeps its work.
 */
public final class LeftoverWork {
    private static final Logger log = LoggerFactory.getLogger(LeftoverWork.class);

    private LeftoverWork() {}

    public record Reaped(int processes, int directories) {}

    public static Reaped reap(Path workRoot, FfmpegBinaries binaries, Duration quiet, Clock clock) {
        int killed = killOrphans(workRoot.toAbsolutePath(), List.of(binaries.ffmpeg(), binaries.ffprobe()));
        int removed = removeQuiet(workRoot, quiet, clock);
        if (killed > 0 || removed > 0) {
            log.info(
                    "reaped {} orphaned ffmpeg processes and {} work directories left by an earlier run",
                    killed,
                    removed);
        }
        return new Reaped(killed, removed);
    }

    private static int killOrphans(Path workRoot, List<Path> binaries) {
        List<String> programs = binaries.stream().map(LeftoverWork::real).toList();
        String root = workRoot.toString();
        var orphans = ProcessHandle.allProcesses()
                .filter(p -> p.info().command().filter(programs::contains).isPresent())
                .filter(p -> p.info().arguments().stream().flatMap(Stream::of).anyMatch(a -> a.contains(root)))
                .filter(LeftoverWork::orphaned)
                .toList();
        for (ProcessHandle orphan : orphans) {
            orphan.destroyForcibly();
        }
        for (ProcessHandle orphan : orphans) {
            try {
                orphan.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.warn("orphaned process {} did not exit after SIGKILL", orphan.pid());
            }
        }
        return orphans.size();
    }

    private static String real(Path binary) {
        try {
            return binary.toRealPath().toString();
        } catch (IOException e) {
            return binary.toAbsolutePath().toString();
        }
    }

    /** Its parent is gone: reparented to init (pid 1) or to a subreaper, which is no JVM. */
    private static boolean orphaned(ProcessHandle process) {
        Optional<ProcessHandle> parent = process.parent();
        return parent.isEmpty()
                || parent.get().pid() == 1
                || parent.get().info().command().map(c -> !c.endsWith("/java")).orElse(true);
    }

    private static int removeQuiet(Path workRoot, Duration quiet, Clock clock) {
        if (!Files.isDirectory(workRoot)) {
            return 0;
        }
        long before = clock.millis() - quiet.toMillis();
        int removed = 0;
        try (Stream<Path> entries = Files.list(workRoot)) {
            for (Path dir : entries.filter(Files::isDirectory).toList()) {
                if (lastChange(dir) < before) {
                    WorkDir.deleteTree(dir);
                    removed++;
                }
            }
        } catch (IOException e) {
            log.warn("cannot list the work directory {}: {}", workRoot, e.getMessage());
        }
        return removed;
    }

    private static long lastChange(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.map(LeftoverWork::modified).max(Long::compare).orElse(0L);
        } catch (IOException | UncheckedIOException e) {
            return Long.MAX_VALUE;
        }
    }

    private static long modified(Path path) {
        try {
            return Files.getLastModifiedTime(path).toMillis();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }
}
