package dev.spool.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an input with ffprobe (format + streams as JSON) into a {@link VideoSpec}, and tells a
 * file that is not media at all from one that is media but cut short.
 */
public final class Prober {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);
    private static final String ANALYZE_DURATION_US = "15000000";
    /** How much of the end of a file is read to check that its last packets are really there. */
    private static final double TAIL_SECONDS = 2.0;

    /** Box types an MP4/MOV file can start with. */
    private static final Set<String> ISO_BOX_TYPES = Set.of("ftyp", "moov", "mdat", "free", "skip", "wide", "pnot");

    /** Codecs of pictures rather than video: a stream in one of them loses to any stream in a video codec. */
    private static final Set<String> STILL_IMAGE_CODECS =
            Set.of("mjpeg", "jpeg", "jpegls", "png", "apng", "bmp", "gif", "tiff", "webp");

    private static final Logger log = LoggerFactory.getLogger(Prober.class);

    private final FfmpegBinaries binaries;
    private final ObjectMapper json = new ObjectMapper();

    public Prober(FfmpegBinaries binaries) {
        this.binaries = binaries;
    }

    /**
     * @throws MediaException {@code not_media} when ffprobe cannot read the file, {@code truncated}
     *                        when the file ends before the data its header promises
     */
    public VideoSpec probe(Path input) throws MediaException, InterruptedException {
        ChildProcess.Result result = formatAndStreams(fileUrl(input));
        if (!result.ok()) {
            throw unreadable(input, result.stderrTail());
        }
        VideoSpec spec = parse(result.stdout());
        checkTail(input, spec);
        return withPeakFrameRate(input, spec);
    }

    /**
     * What the head of an input still arriving at {@code url} describes, or empty when that is not enough: ffprobe
     * cannot read it (the whole file then gets {@link #probe}'s verdict), or its frame rate is variable and its peak
     * needs every packet. The tail check is left to the caller, once the file is whole.
     */
    Optional<VideoSpec> probeArriving(String url) throws InterruptedException {
        VideoSpec spec;
        try {
            ChildProcess.Result result = formatAndStreams(url);
            if (!result.ok()) {
                return Optional.empty();
            }
            spec = parse(result.stdout());
        } catch (MediaException e) {
            return Optional.empty();
        }
        boolean variable = spec.video().map(VideoSpec.Track::variableFrameRate).orElse(false);
        return variable ? Optional.empty() : Optional.of(spec);
    }

    private ChildProcess.Result formatAndStreams(String url) throws MediaException, InterruptedException {
        return ChildProcess.run(
                List.of(
                        binaries.ffprobe().toString(),
                        "-v",
                        "error",
                        "-analyzeduration",
                        ANALYZE_DURATION_US,
                        "-show_format",
                        "-show_streams",
                        "-of",
                        "json",
                        url),
                binaries.environment(),
                null,
                null,
                PROBE_TIMEOUT);
    }

    /**
     * A variable-rate video's frame rate is the fastest rate its frames really follow, measured from
     * their timestamps: encoding at the average would drop frames wherever the source runs faster.
     */
    private VideoSpec withPeakFrameRate(Path input, VideoSpec spec) throws MediaException, InterruptedException {
        VideoSpec.Track v = spec.video().orElse(null);
        if (v == null || !v.variableFrameRate()) {
            return spec;
        }
        ChildProcess.Result result = ChildProcess.run(
                List.of(
                        binaries.ffprobe().toString(),
                        "-v",
                        "error",
                        "-select_streams",
                        Integer.toString(v.index()),
                        "-show_entries",
                        "packet=pts_time",
                        "-of",
                        "csv=p=0",
                        fileUrl(input)),
                binaries.environment(),
                null,
                null,
                PROBE_TIMEOUT);
        Fraction peak =
                FrameRates.peak(result.stdout().lines().map(Prober::parseOrNull).toList());
        if (peak == null || (v.fps() != null && peak.value() < v.fps())) {
            return spec;
        }
        VideoSpec.Track measured = new VideoSpec.Track(
                v.type(),
                v.codec(),
                v.startTime(),
                v.duration(),
                v.bitrate(),
                v.width(),
                v.height(),
                v.pixelFormat(),
                v.fps(),
                v.channels(),
                v.sampleRate(),
                v.bitDepth(),
                v.rotation(),
                v.displayAspectRatio(),
                v.sampleAspectRatio(),
                peak.toString(),
                true,
                v.index());
        List<VideoSpec.Track> tracks = new ArrayList<>(spec.tracks());
        tracks.set(tracks.indexOf(v), measured);
        return new VideoSpec(spec.format(), spec.duration(), spec.bitrate(), tracks, spec.formatBitrate());
    }

    private static Double parseOrNull(String text) {
        try {
            return Double.parseDouble(text.strip().replaceAll(",$", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static MediaException unreadable(Path input, String stderr) {
        if (stderr.contains("moov atom not found") && startsLikeIsoMedia(input)) {
            return MediaException.badInput(
                    "truncated",
                    input.getFileName()
                            + " is an incomplete MP4/MOV file: its index (moov atom) is missing, which happens when an"
                            + " upload or copy stopped early or the recording was not closed. Upload the complete file.");
        }
        return MediaException.badInput(
                "not_media",
                input.getFileName()
                        + " is not a media file that can be read (" + lastLine(stderr)
                        + "). Upload a video or audio file such as MP4, MOV, MKV, WebM, TS, MP3 or WAV.");
    }

    /** ffmpeg guesses MP4 from a .mp4 name alone; only a file that starts with an ISO box really is one. */
    private static boolean startsLikeIsoMedia(Path input) {
        byte[] head = new byte[8];
        try (InputStream in = Files.newInputStream(input)) {
            if (in.readNBytes(head, 0, 8) < 8) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        String type = new String(head, 4, 4, StandardCharsets.ISO_8859_1);
        return ISO_BOX_TYPES.contains(type);
    }

    /**
     * A file with its index at the front (fast-start MP4) still probes when its end is missing;
     * reading the last packets shows whether they are really in the file.
     */
    void checkTail(Path input, VideoSpec spec) throws MediaException, InterruptedException {
        if (spec.duration() == null || spec.duration() <= 0) {
            return;
        }
        double from = Math.max(0, spec.duration() - TAIL_SECONDS);
        ChildProcess.Result result = ChildProcess.run(
                List.of(
                        binaries.ffprobe().toString(),
                        "-v",
                        "error",
                        "-read_intervals",
                        String.format(Locale.ROOT, "%.3f%%", from),
                        "-show_entries",
                        "packet=pos,size",
                        "-of",
                        "csv=p=0",
                        fileUrl(input)),
                binaries.environment(),
                null,
                null,
                PROBE_TIMEOUT);
        long fileSize;
        try {
            fileSize = Files.size(input);
        } catch (IOException e) {
            throw new MediaException("io_error", "cannot read " + input.getFileName() + ": " + e.getMessage(), true, e);
        }
        long end = 0;
        for (String line : result.stdout().split("\n")) {
            String[] cells = line.split(",");
            if (cells.length >= 2 && !cells[0].isBlank() && !cells[1].isBlank()) {
                try {
                    end = Math.max(end, Long.parseLong(cells[0].trim()) + Long.parseLong(cells[1].trim()));
                } catch (NumberFormatException e) {
                    // a packet without a byte position ("N/A") says nothing about truncation
                }
            }
        }
        if (result.stderrTail().contains("partial file") || end > fileSize) {
            throw MediaException.badInput(
                    "truncated",
                    input.getFileName() + " is cut short: its header promises "
                            + String.format(Locale.ROOT, "%.1f", spec.duration())
                            + " s of media but the file ends before"
                            + " that data. Upload the complete file.");
        }
    }

    VideoSpec parse(String ffprobeJson) throws MediaException {
        JsonNode root;
        try {
            root = json.readTree(ffprobeJson);
        } catch (IOException e) {
            throw new MediaException(
                    "ffmpeg_failed", "ffprobe wrote output that is not JSON: " + e.getMessage(), true, e);
        }
        JsonNode format = root.path("format");
        List<VideoSpec.Track> tracks = new ArrayList<>();
        JsonNode mainVideo = mainVideoStream(root.path("streams"));
        if (mainVideo != null) {
            tracks.add(videoTrack(mainVideo));
        }
        for (JsonNode stream : root.path("streams")) {
            if (stream.path("codec_type").asText().equals("audio")) {
                tracks.add(audioTrack(stream));
                break;
            }
        }
        Double duration = tracks.stream()
                .filter(t -> VideoSpec.Track.VIDEO.equals(t.type()))
                .map(VideoSpec.Track::duration)
                .filter(d -> d != null && d > 0)
                .findFirst()
                .orElse(positiveDouble(format, "duration"));
        Long formatBitrate = positiveLong(format, "bit_rate");
        Double size = positiveDouble(format, "size");
        if (formatBitrate == null && size != null && duration != null) {
            formatBitrate = Math.round(size * 8 / duration);
        }
        // the tracks' sum only when every track declares its own: otherwise it would be one track's
        boolean allDeclared = !tracks.isEmpty() && tracks.stream().allMatch(t -> t.bitrate() != null);
        Long bitrate = allDeclared
                ? Long.valueOf(
                        tracks.stream().mapToLong(VideoSpec.Track::bitrate).sum())
                : formatBitrate;
        return new VideoSpec(containerName(format), duration, bitrate, tracks, formatBitrate);
    }

    /**
     * The video stream ffmpeg itself would pick: video codecs before image codecs (a motion-JPEG camera
     * file still counts as video), then the most pixels, then the highest frame rate. A single picture
     * (cover art, flagged or not) does not make a file a video at all. Null when there is no video stream.
     */
    private static JsonNode mainVideoStream(JsonNode streams) {
        JsonNode best = null;
        List<JsonNode> videos = new ArrayList<>();
        for (JsonNode stream : streams) {
            if (stream.path("codec_type").asText().equals("video")
                    && stream.path("disposition").path("attached_pic").asInt() == 0
                    && !stream.path("nb_frames").asText().equals("1")) {
                videos.add(stream);
            }
        }
        Comparator<JsonNode> rank = Comparator.comparing((JsonNode s) -> !isImageCodec(s))
                .thenComparingLong(
                        s -> (long) s.path("width").asInt() * s.path("height").asInt())
                .thenComparingDouble(s -> {
                    Fraction rate = Fraction.parse(s.path("avg_frame_rate").asText(null));
                    return rate == null ? 0 : rate.value();
                });
        for (JsonNode video : videos) {
            if (best == null || rank.compare(video, best) > 0) {
                best = video;
            }
        }
        if (best != null && videos.size() > 1) {
            log.info(
                    "using video stream #{} ({} {}x{}) of {} video streams",
                    best.path("index").asInt(),
                    best.path("codec_name").asText(),
                    best.path("width").asInt(),
                    best.path("height").asInt(),
                    videos.size());
        }
        return best;
    }

    private static boolean isImageCodec(JsonNode stream) {
        return STILL_IMAGE_CODECS.contains(stream.path("codec_name").asText());
    }

    /** mp4/mov/hls as Livepeer names them, otherwise ffprobe's first format name. */
    private static String containerName(JsonNode format) {
        List<String> names = List.of(format.path("format_name").asText("").split(","));
        if (names.contains("mp4")) {
            String brand = format.path("tags").path("major_brand").asText("").trim();
            return brand.equals("qt") ? "mov" : "mp4";
        }
        if (names.contains("mov")) {
            return "mov";
        }
        if (names.contains("hls")) {
            return "hls";
        }
        return names.get(0).isEmpty() ? null : names.get(0);
    }

    private static VideoSpec.Track videoTrack(JsonNode s) {
        Fraction avg = Fraction.parse(s.path("avg_frame_rate").asText(null));
        Fraction real = Fraction.parse(s.path("r_frame_rate").asText(null));
        Fraction rate = avg != null && avg.value() > 0 ? avg : real;
        Double fps = rate == null ? null : rate.value();
        boolean variable = avg != null
                && real != null
                && avg.value() > 0
                && real.value() > 0
                && Math.abs(avg.value() - real.value()) / avg.value() > 0.01;
        if (!variable && real != null && real.value() > 0) {
            // the base rate every timestamp fits (30000/1001), where the average may be rounded (2997/100)
            rate = real;
        }
        return new VideoSpec.Track(
                VideoSpec.Track.VIDEO,
                s.path("codec_name").asText(null),
                number(s, "start_time"),
                positiveDouble(s, "duration"),
                positiveLong(s, "bit_rate"),
                positiveInt(s, "width"),
                positiveInt(s, "height"),
                s.path("pix_fmt").asText(null),
                fps,
                null,
                null,
                positiveInt(s, "bits_per_raw_sample"),
                rotation(s),
                s.path("display_aspect_ratio").asText(null),
                s.path("sample_aspect_ratio").asText(null),
                rate == null ? null : rate.toString(),
                variable,
                s.path("index").asInt());
    }

    private static VideoSpec.Track audioTrack(JsonNode s) {
        Integer bitDepth = positiveInt(s, "bits_per_sample");
        if (bitDepth == null) {
            bitDepth = positiveInt(s, "bits_per_raw_sample");
        }
        return new VideoSpec.Track(
                VideoSpec.Track.AUDIO,
                s.path("codec_name").asText(null),
                number(s, "start_time"),
                positiveDouble(s, "duration"),
                positiveLong(s, "bit_rate"),
                null,
                null,
                null,
                null,
                positiveInt(s, "channels"),
                positiveInt(s, "sample_rate"),
                bitDepth,
                null,
                null,
                null,
                null,
                false,
                s.path("index").asInt());
    }

    /** Clockwise degrees from the display matrix (ffprobe reports it counter-clockwise), or the legacy rotate tag. */
    private static Integer rotation(JsonNode s) {
        for (JsonNode side : s.path("side_data_list")) {
            if (side.has("rotation")) {
                return normalise(-side.path("rotation").asDouble());
            }
        }
        JsonNode tag = s.path("tags").path("rotate");
        return tag.isMissingNode() ? 0 : normalise(tag.asDouble());
    }

    private static int normalise(double degrees) {
        long quarter = Math.round(degrees / 90.0);
        return (int) Math.floorMod(quarter * 90, 360);
    }

    private static Double number(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        try {
            return Double.parseDouble(v.asText());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Double positiveDouble(JsonNode node, String field) {
        Double v = number(node, field);
        return v != null && v > 0 ? v : null;
    }

    private static Long positiveLong(JsonNode node, String field) {
        Double v = number(node, field);
        return v != null && v > 0 ? Long.valueOf(v.longValue()) : null;
    }

    private static Integer positiveInt(JsonNode node, String field) {
        Double v = number(node, field);
        return v != null && v > 0 ? Integer.valueOf(v.intValue()) : null;
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        String last = lines[lines.length - 1]
                .replaceFirst("^\\[[^]]*] ", "")
                .replaceFirst("^file:.*?: ", "")
                .strip();
        return last.isEmpty() ? "ffprobe gave no reason" : last;
    }

    /** ffmpeg reads a bare path with a colon as a protocol; the file: prefix rules that out. */
    static String fileUrl(Path path) {
        return "file:" + path.toAbsolutePath();
    }
}
