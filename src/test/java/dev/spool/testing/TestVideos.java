package dev.spool.testing;

import dev.spool.media.FfmpegBinaries;
import dev.spool.media.MediaException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Small videos made on the spot with the bundled ffmpeg (no media lives in git), and ffprobe's reading of what a
 * test got back. Kept tiny (320x240, a few seconds) because the machines that run the suite are small.
 */
public final class TestVideos {
    private static FfmpegBinaries binaries;

    private TestVideos() {
    }

    /** A 320x240, 25 fps H.264 + AAC MP4 of {@code seconds} seconds: testsrc2 and a 440 Hz tone. */
    public static Path generate(Path file, int seconds) {
        return generate(file, seconds, "320x240");
    }

    /** As {@link #generate(Path, int)} at another size ({@code WxH}), e.g. one tall enough for a ladder. */
    public static Path generate(Path file, int seconds, String size) {
        run(List.of(binaries().ffmpeg().toString(), "-hide_banner", "-nostdin", "-v", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=25:duration=" + seconds,
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=" + seconds,
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
                file.toString()));
        return file;
    }

    /** The codec types of the streams ffprobe finds in {@code file} (a media file or an HLS playlist), in order. */
    public static List<String> streams(Path file) {
        String out = run(List.of(binaries().ffprobe().toString(), "-v", "error", "-show_entries",
                "stream=codec_type", "-of", "csv=p=0", file.toString()));
        return out.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    private static synchronized FfmpegBinaries binaries() {
        if (binaries == null) {
            try {
                binaries = FfmpegBinaries.locate(Optional.empty(), Optional.empty(), Path.of("target", "ffmpeg-cache"));
            } catch (MediaException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return binaries;
    }

    /** Runs a bundled binary (its shared libraries sit beside it) and answers its standard output. */
    private static String run(List<String> command) {
        var builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        String dir = Path.of(command.get(0)).toAbsolutePath().getParent().toString();
        String inherited = System.getenv("LD_LIBRARY_PATH");
        builder.environment().put("LD_LIBRARY_PATH", inherited == null ? dir : dir + ":" + inherited);
        try {
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new AssertionError(command + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
