package dev.spool.media;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What to transcode and how. Out-of-range values are brought back to sensible ones (segment
 * length into 1..20 s, as Livepeer caps it at 20); an unknown preset is a programming error.
 *
 * @param profiles              the caller's renditions; empty means Livepeer's default ladder
 * @param segmentSeconds        target HLS segment length; every segment starts with a keyframe
 * @param preset                x264/x265 preset (Livepeer uses medium); VP9 speed follows it
 * @param chunkThresholdSeconds inputs longer than this are split into chunks encoded in parallel
 * @param maxParallel           how many ffmpeg processes may encode chunks at once
 * @param maxInputBytes         inputs larger than this are refused
 * @param range                 the part of the input to transcode, or null for all of it; the result then
 *                              describes that part, every rendition gets an MP4 (the part has no file of its
 *                              own otherwise) and the size and hashes are those of the largest MP4
 * @param arriving              the input while it is still being written into {@code input}, or null when the
 *                              file is whole: the encode may then start before it is
 */
public record PipelineRequest(
        Path input,
        Path outputDir,
        List<TranscodeProfile> profiles,
        double segmentSeconds,
        Mp4Mode mp4,
        boolean thumbnails,
        String preset,
        double chunkThresholdSeconds,
        int maxParallel,
        long maxInputBytes,
        InputRange range,
        ArrivingInput arriving) {

    public static final double DEFAULT_SEGMENT_SECONDS = 6;
    public static final double MAX_SEGMENT_SECONDS = 20;
    public static final double DEFAULT_CHUNK_THRESHOLD_SECONDS = 120;
    public static final int DEFAULT_MAX_PARALLEL = 2;
    public static final String DEFAULT_PRESET = "medium";
    static final Set<String> PRESETS =
            Set.of("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow");

    public PipelineRequest {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(outputDir, "outputDir");
        profiles = profiles == null ? List.of() : List.copyOf(profiles);
        segmentSeconds = !(segmentSeconds > 0)
                ? DEFAULT_SEGMENT_SECONDS
                : Math.max(1, Math.min(MAX_SEGMENT_SECONDS, segmentSeconds));
        mp4 = range != null ? Mp4Mode.ALL : mp4 == null ? Mp4Mode.SHORT_ONLY : mp4;
        preset = preset == null ? DEFAULT_PRESET : preset;
        if (!PRESETS.contains(preset)) {
            throw new IllegalArgumentException("unknown preset " + preset + "; use one of " + PRESETS);
        }
        chunkThresholdSeconds = chunkThresholdSeconds > 0 ? chunkThresholdSeconds : DEFAULT_CHUNK_THRESHOLD_SECONDS;
        maxParallel = maxParallel > 0 ? maxParallel : DEFAULT_MAX_PARALLEL;
        maxInputBytes = maxInputBytes > 0 ? maxInputBytes : InputValidator.DEFAULT_MAX_BYTES;
    }

    /** The upload defaults: default ladder, 6 s segments, short-only MP4s, thumbnails, preset medium. */
    public static PipelineRequest of(Path input, Path outputDir) {
        return builder(input, outputDir).build();
    }

    public static Builder builder(Path input, Path outputDir) {
        return new Builder(input, outputDir);
    }

    /** Starts from the upload defaults; set only what differs. */
    public static final class Builder {
        private final Path input;
        private final Path outputDir;
        private List<TranscodeProfile> profiles = List.of();
        private double segmentSeconds = DEFAULT_SEGMENT_SECONDS;
        private Mp4Mode mp4 = Mp4Mode.SHORT_ONLY;
        private boolean thumbnails = true;
        private String preset = DEFAULT_PRESET;
        private double chunkThresholdSeconds = DEFAULT_CHUNK_THRESHOLD_SECONDS;
        private int maxParallel = DEFAULT_MAX_PARALLEL;
        private long maxInputBytes = InputValidator.DEFAULT_MAX_BYTES;
        private InputRange range;
        private ArrivingInput arriving;

        private Builder(Path input, Path outputDir) {
            this.input = input;
            this.outputDir = outputDir;
        }

        public Builder profiles(List<TranscodeProfile> value) {
            profiles = value;
            return this;
        }

        public Builder segmentSeconds(double value) {
            segmentSeconds = value;
            return this;
        }

        public Builder mp4(Mp4Mode value) {
            mp4 = value;
            return this;
        }

        public Builder thumbnails(boolean value) {
            thumbnails = value;
            return this;
        }

        public Builder preset(String value) {
            preset = value;
            return this;
        }

        public Builder chunking(double thresholdSeconds, int parallel) {
            chunkThresholdSeconds = thresholdSeconds;
            maxParallel = parallel;
            return this;
        }

        public Builder maxInputBytes(long value) {
            maxInputBytes = value;
            return this;
        }

        public Builder range(InputRange value) {
            range = value;
            return this;
        }

        public Builder arriving(ArrivingInput value) {
            arriving = value;
            return this;
        }

        public PipelineRequest build() {
            return new PipelineRequest(
                    input,
                    outputDir,
                    profiles,
                    segmentSeconds,
                    mp4,
                    thumbnails,
                    preset,
                    chunkThresholdSeconds,
                    maxParallel,
                    maxInputBytes,
                    range,
                    arriving);
        }
    }
}
