package dev.spool.media;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.json.Json;
import java.nio.file.Path;
import java.util.List;

/** Generated media and ffprobe for tests outside this package: small, so they stay quick on a shared machine. */
public final class SampleMedia {
    private SampleMedia() {}

    /** An H.264 + AAC MP4 of a testsrc2 picture and a sine tone. */
    public static Path mp4(Path dir, String name, double seconds, String size) {
        return mp4Recipe(seconds, size).writeTo(dir.resolve(name));
    }

    /** As {@link #mp4(Path, String, double, String)}, with a title tag: the same media in other bytes. */
    public static Path mp4(Path dir, String name, double seconds, String size, String title) {
        return mp4Recipe(seconds, size).title(title).writeTo(dir.resolve(name));
    }

    private static TestMedia.Recipe mp4Recipe(double seconds, String size) {
        return TestMedia.video()
                .seconds(seconds)
                .size(size)
                .withAudio()
                .pixelFormat("yuv420p")
                .gop(50)
                .audioBitrate("64k")
                .fastStart();
    }

    /** What ffprobe reads in a file or URL (format and streams, as JSON); fails when it cannot read it. */
    public static JsonNode probe(String fileOrUrl) {
        var result = TestMedia.ffprobe("-of", "json", "-show_format", "-show_streams", fileOrUrl);
        if (!result.ok()) {
            throw new AssertionError("ffprobe cannot read " + fileOrUrl + ": " + result.stderrTail());
        }
        return Json.tree(result.stdout());
    }

    /**
     * Decodes every stream of a file or URL (every rendition of an HLS master) to nothing and answers ffmpeg's
     * warnings and errors: empty when every part could be read.
     */
    public static String decodeEverything(String fileOrUrl) {
        var cmd = new java.util.ArrayList<>(List.of(
                TestMedia.binaries().ffmpeg().toString(),
                "-hide_banner",
                "-nostdin",
                "-v",
                "warning",
                "-i",
                fileOrUrl,
                "-map",
                "0",
                "-f",
                "null",
                "-"));
        try {
            var result = ChildProcess.run(
                    cmd, TestMedia.binaries().environment(), null, null, java.time.Duration.ofMinutes(5));
            return result.ok() ? result.stderrTail() : "ffmpeg failed: " + result.stderrTail();
        } catch (MediaException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The silent stretches of at least {@code seconds} in the first audio stream of a file or URL, each as
     * {@code [start, end]} in seconds from the audio's start (ffmpeg's silencedetect; a stretch running to the end
     * has no end: {@code [start, NaN]}). A tone with a gap or a dropout at a join shows one there.
     */
    public static List<double[]> silences(String fileOrUrl, double seconds) {
        var cmd = List.of(
                TestMedia.binaries().ffmpeg().toString(),
                "-hide_banner",
                "-nostdin",
                "-v",
                "error",
                "-i",
                fileOrUrl,
                "-map",
                "0:a:0",
                "-af",
                "silencedetect=noise=-40dB:d=" + seconds + ",ametadata=mode=print:file=pipe\\\\:1",
                "-f",
                "null",
                "-");
        try {
            var result = ChildProcess.run(
                    cmd, TestMedia.binaries().environment(), null, null, java.time.Duration.ofMinutes(5));
            if (!result.ok()) {
                throw new AssertionError("ffmpeg cannot decode the audio of " + fileOrUrl + ": " + result.stderrTail());
            }
            var silences = new java.util.ArrayList<double[]>();
            for (String line : result.stdout().lines().toList()) {
                double value = line.contains("=") ? parseOrNaN(line.substring(line.indexOf('=') + 1)) : Double.NaN;
                if (line.startsWith("lavfi.silence_start=")) {
                    silences.add(new double[] {value, Double.NaN});
                } else if (line.startsWith("lavfi.silence_end=") && !silences.isEmpty()) {
                    silences.getLast()[1] = value;
                }
            }
            return silences;
        } catch (MediaException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double parseOrNaN(String text) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
