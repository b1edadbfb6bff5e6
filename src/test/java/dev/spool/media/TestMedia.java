package dev.spool.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Shared test fixtures: the bundled ffmpeg (extracted once per build under target/), and small
 * sources generated with lavfi (testsrc2 picture, sine tone) so no media file lives in git.
 */
final class TestMedia {

    private static FfmpegBinaries binaries;

    private TestMedia() {}

    static synchronized FfmpegBinaries binaries() {
        if (binaries == null) {
            try {
                binaries = FfmpegBinaries.locate(Optional.empty(), Optional.empty(), Path.of("target", "ffmpeg-cache"));
            } catch (MediaException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        return binaries;
    }

    /** A testsrc2 + sine source; {@code extra} goes before the output name (codec, filters...). */
    static Path generate(Path dir, String name, double seconds, String size, int fps, boolean audio, String... extra) {
        List<String> cmd = new ArrayList<>(
                List.of("-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=" + fps + ":duration=" + seconds));
        if (audio) {
            cmd.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=" + seconds));
        }
        cmd.addAll(List.of(extra));
        return ffmpeg(dir.resolve(name), cmd);
    }

    /** Runs ffmpeg with the given arguments writing {@code output}; fails the test if ffmpeg fails. */
    static Path ffmpeg(Path output, List<String> args) {
        List<String> cmd = new ArrayList<>(
                List.of(binaries().ffmpeg().toString(), "-hide_banner", "-nostdin", "-v", "error", "-y"));
        cmd.addAll(args);
        cmd.add(output.toString());
        return run(cmd).ok() ? output : fail(output, cmd);
    }

    static ChildProcess.Result ffprobe(String... args) {
        List<String> cmd = new ArrayList<>(List.of(binaries().ffprobe().toString(), "-v", "error"));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private static ChildProcess.Result run(List<String> cmd) {
        try {
            return ChildProcess.run(cmd, binaries().environment(), null, null, Duration.ofMinutes(5));
        } catch (MediaException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path fail(Path output, List<String> cmd) {
        throw new IllegalStateException("cannot generate " + output + " with " + cmd + ": " + run(cmd).stderrTail());
    }

    static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
