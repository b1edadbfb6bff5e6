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
        return TestMedia.video()
                .seconds(seconds)
                .size(size)
                .withAudio()
                .pixelFormat("yuv420p")
                .gop(50)
                .audioBitrate("64k")
                .fastStart()
                .writeTo(dir.resolve(name));
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
}
