package dev.spool.testing;

import dev.spool.media.TestMedia;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Small videos made on the spot with the bundled ffmpeg (no media lives in git; see {@link TestMedia}), and
 * ffprobe's reading of what a test got back. Kept tiny (320x240, a few seconds) because the machines that run the
 * suite are small.
 */
public final class TestVideos {
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
        Path raw = TestMedia.ffmpeg(
                scratch.resolve("frame-" + System.nanoTime() + ".yuv"),
                List.of("-i", file, "-frames:v", "1", "-vf", "scale=3:1:flags=area,format=yuv444p", "-f", "rawvideo"));
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
        return Integer.parseInt(TestMedia.probe(
                        "-count_frames",
                        "-select_streams",
                        "v:0",
                        "-show_entries",
                        "stream=nb_read_frames",
                        "-of",
                        "csv=p=0",
                        file)
                .strip());
    }

    /** Start and duration in seconds of the first stream of {@code kind} ({@code v} or {@code a}) in {@code file}. */
    public static double[] streamTimes(String file, String kind) {
        String[] line = TestMedia.probe(
                        "-select_streams",
                        kind + ":0",
                        "-show_entries",
                        "stream=start_time,duration",
                        "-of",
                        "csv=p=0",
                        file)
                .strip()
                .split(",");
        return new double[] {Double.parseDouble(line[0]), Double.parseDouble(line[1])};
    }

    /** The codec types of the streams ffprobe finds in {@code file} (a media file or an HLS playlist), in order. */
    public static List<String> streams(Path file) {
        String out = TestMedia.probe("-show_entries", "stream=codec_type", "-of", "csv=p=0", file.toString());
        return out.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }
}
