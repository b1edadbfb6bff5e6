package dev.spool.testing;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The ffmpeg processes this JVM started (an in-process server's encodes), picked by what their arguments name. */
public final class FfmpegProcesses {
    private FfmpegProcesses() {}

    /**
     * Those whose arguments contain every one of {@code markers} (a task's work directory, a chunk's file name), so
     * the encodes of other tests on a shared server are not counted.
     */
    public static List<ProcessHandle> naming(String... markers) {
        return ProcessHandle.current()
                .descendants()
                .filter(p -> p.info()
                        .command()
                        .map(c -> Path.of(c).getFileName().toString().equals("ffmpeg"))
                        .orElse(false))
                .filter(p -> p.info()
                        .arguments()
                        .map(args -> String.join(" ", args))
                        .map(line -> Arrays.stream(markers).allMatch(line::contains))
                        .orElse(false))
                .toList();
    }
}
