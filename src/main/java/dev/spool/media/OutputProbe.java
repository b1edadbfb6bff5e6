package dev.spool.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads back what the pipeline wrote (a rendition playlist or an MP4) with ffprobe: the actual
 * picture size and frame rate, the RFC 6381 codec string, and the container bitrate. Reading the
 * playlist through ffmpeg's HLS demuxer also proves that it and its segments can be played.
 */
final class OutputProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    record Info(int width, int height, Double frameRate, String codecs, Long bitrate) {}

    private final FfmpegBinaries binaries;
    private final ObjectMapper json = new ObjectMapper();

    OutputProbe(FfmpegBinaries binaries) {
        this.binaries = binaries;
    }

    Info inspect(Path file) throws MediaException, InterruptedException {
        ChildProcess.Result result = ChildProcess.run(
                List.of(
                        binaries.ffprobe().toString(),
                        "-v",
                        "error",
                        "-show_format",
                        "-show_streams",
                        "-show_data",
                        "-of",
                        "json",
                        Prober.fileUrl(file)),
                binaries.environment(),
                null,
                null,
                TIMEOUT);
        if (!result.ok()) {
            throw new MediaException(
                    "ffmpeg_failed",
                    "the written output " + file.getFileName() + " cannot be read back: " + result.stderrTail(),
                    true);
        }
        JsonNode root;
        try {
            root = json.readTree(result.stdout());
        } catch (IOException e) {
            throw new MediaException(
                    "ffmpeg_failed", "ffprobe wrote output that is not JSON: " + e.getMessage(), true, e);
        }
        int width = 0;
        int height = 0;
        Double frameRate = null;
        List<String> codecs = new ArrayList<>();
        for (JsonNode stream : root.path("streams")) {
            String type = stream.path("codec_type").asText();
            if (type.equals("video") && width == 0) {
                width = stream.path("width").asInt();
                height = stream.path("height").asInt();
                Fraction rate = Fraction.parse(stream.path("avg_frame_rate").asText(null));
                if (rate == null || rate.value() <= 0) {
                    rate = Fraction.parse(stream.path("r_frame_rate").asText(null));
                }
                frameRate = rate == null || rate.value() <= 0 ? null : rate.value();
                codecs.add(videoCodec(stream, width, height, frameRate == null ? 30 : frameRate));
            } else if (type.equals("audio") && codecs.stream().noneMatch(c -> c.startsWith("mp4a"))) {
                codecs.add(CodecStrings.aac(stream.path("profile").asText(null)));
            }
        }
        long bitrate = root.path("format").path("bit_rate").asLong(0);
        return new Info(width, height, frameRate, String.join(",", codecs), bitrate > 0 ? bitrate : null);
    }

    private static String videoCodec(JsonNode stream, int width, int height, double fps) {
        byte[] extradata = CodecStrings.fromHexDump(stream.path("extradata").asText(""));
        return switch (stream.path("codec_name").asText()) {
            case "h264" -> CodecStrings.h264(extradata);
            case "hevc" -> CodecStrings.hevc(extradata);
            case "vp9" ->
                CodecStrings.vp9(
                        vp9Profile(stream.path("profile").asText("")),
                        width,
                        height,
                        fps,
                        stream.path("pix_fmt").asText("").contains("10") ? 10 : 8);
            default -> stream.path("codec_name").asText();
        };
    }

    /** ffprobe names VP9 profiles "Profile 0" to "Profile 3". */
    private static int vp9Profile(String name) {
        char last = name.isEmpty() ? '0' : name.charAt(name.length() - 1);
        return Character.isDigit(last) ? last - '0' : 0;
    }
}
