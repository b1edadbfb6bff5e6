package dev.spool.testing;

import dev.spool.media.FfmpegBinaries;
import dev.spool.media.MediaException;
import dev.spool.media.TestMedia;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    private TestVideos() {}

    /** A 320x240, 25 fps H.264 + AAC MP4 of {@code seconds} seconds: testsrc2 and a 440 Hz tone. */
    public static Path generate(Path file, int seconds) {
        return generate(file, seconds, "320x240");
    }

    /** As {@link #generate(Path, int)} at another size ({@code WxH}), e.g. one tall enough for a ladder. */
    public static Path generate(Path file, int seconds, String size) {
        return TestMedia.video()
                .seconds(seconds)
                .size(size)
                .withAudio()
                .pixelFormat("yuv420p")
                .writeTo(file);
    }

    /**
     * A 320x180 H.264 + AAC MP4 whose frames carry their own number: the picture is three grey bars, each one
     * base-16 digit of the frame number (grey = digit * 16 + 8), so {@link #frameNumber} reads it back from a
     * re-encoded copy. Keyframes only every 10 s, so a cut between them must decode up to its start.
     */
    public static Path numbered(Path file, int seconds, int fps) {
        return TestMedia.video()
                .numberedFrames()
                .seconds(seconds)
                .size(320, 180)
                .fps(fps)
                .withAudio()
                .sampleRate(48000)
                .gop(10 * fps)
                .pixelFormat("yuv420p")
                .writeTo(file);
    }

    /** The number a {@link #numbered} picture shows in the first frame of {@code file} (a file or a URL). */
    public static int frameNumber(String file, Path scratch) {
        Path raw = scratch.resolve("frame-" + System.nanoTime() + ".yuv");
        run(List.of(
                binaries().ffmpeg().toString(),
                "-hide_banner",
                "-nostdin",
                "-v",
                "error",
                "-y",
                "-i",
                file,
                "-frames:v",
                "1",
                "-vf",
                "scale=3:1:flags=area,format=yuv444p",
                "-f",
                "rawvideo",
                raw.toString()));
        try {
            byte[] bars = Files.readAllBytes(raw);
            int number = 0;
            for (int i = 2; i >= 0; i--) {
                number = number * 16 + (int) Math.round(((bars[i] & 0xff) - 8) / 16.0);
            }
            return number;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many video frames {@code file} holds, counted by decoding them. */
    public static int videoFrames(String file) {
        return Integer.parseInt(run(List.of(
                        binaries().ffprobe().toString(),
                        "-v",
                        "error",
                        "-count_frames",
                        "-select_streams",
                        "v:0",
                        "-show_entries",
                        "stream=nb_read_frames",
                        "-of",
                        "csv=p=0",
                        file))
                .strip());
    }

    /** Start and duration in seconds of the first stream of {@code kind} ({@code v} or {@code a}) in {@code file}. */
    public static double[] streamTimes(String file, String kind) {
        String[] line = run(List.of(
                        binaries().ffprobe().toString(),
                        "-v",
                        "error",
                        "-select_streams",
                        kind + ":0",
                        "-show_entries",
                        "stream=start_time,duration",
                        "-of",
                        "csv=p=0",
                        file))
                .strip()
                .split(",");
        return new double[] {Double.parseDouble(line[0]), Double.parseDouble(line[1])};
    }

    /** The codec types of the streams ffprobe finds in {@code file} (a media file or an HLS playlist), in order. */
    public static List<String> streams(Path file) {
        String out = run(List.of(
                binaries().ffprobe().toString(),
                "-v",
                "error",
                "-show_entries",
                "stream=codec_type",
                "-of",
                "csv=p=0",
                file.toString()));
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
