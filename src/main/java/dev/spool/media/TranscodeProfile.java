package dev.spool.media;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * A caller's rendition request, as Livepeer's {@code transcode-profile}: the box the output must
 * fit ({@code width} x {@code height}, aspect ratio kept), a bitrate, optional CRF {@code quality},
 * frame rate {@code fps/fpsDen} (0 = keep), keyframe interval {@code gop} (seconds or
 * {@code intra}), H.264 profile and encoder.
 */
public record TranscodeProfile(
        String name,
        Integer width,
        Integer height,
        Long bitrate,
        Integer quality,
        Integer fps,
        Integer fpsDen,
        String gop,
        H264Profile profile,
        Encoder encoder) {

    /** A profile with only a box and bitrate; the rest at defaults. */
    public static TranscodeProfile of(String name, int width, int height, long bitrate) {
        return new TranscodeProfile(name, width, height, bitrate, null, null, null, null, null, null);
    }

    public TranscodeProfile withEncoder(Encoder value) {
        return new TranscodeProfile(name, width, height, bitrate, quality, fps, fpsDen, gop, profile, value);
    }

    public TranscodeProfile withProfile(H264Profile value) {
        return new TranscodeProfile(name, width, height, bitrate, quality, fps, fpsDen, gop, value, encoder);
    }

    public TranscodeProfile withBitrate(Long value) {
        return new TranscodeProfile(name, width, height, value, quality, fps, fpsDen, gop, profile, encoder);
    }

    public TranscodeProfile withQuality(Integer value) {
        return new TranscodeProfile(name, width, height, bitrate, value, fps, fpsDen, gop, profile, encoder);
    }

    public TranscodeProfile withFps(Integer value, Integer den) {
        return new TranscodeProfile(name, width, height, bitrate, quality, value, den, gop, profile, encoder);
    }

    public TranscodeProfile withGop(String value) {
        return new TranscodeProfile(name, width, height, bitrate, quality, fps, fpsDen, value, profile, encoder);
    }

    public enum H264Profile {
        H264Baseline,
        H264Main,
        H264High,
        H264ConstrainedHigh;

        /** Livepeer matches profile names without regard to case. */
        @JsonCreator
        public static H264Profile parse(String text) {
            for (H264Profile p : values()) {
                if (p.name().equalsIgnoreCase(text)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown H.264 profile " + text);
        }

        /** x264's name for the profile. */
        String x264Name() {
            return switch (this) {
                case H264Baseline -> "baseline";
                case H264Main -> "main";
                case H264High, H264ConstrainedHigh -> "high";
            };
        }

        /** Baseline has no B-frames at all; "constrained high" is high without them. */
        int bFrames() {
            return this == H264Baseline || this == H264ConstrainedHigh ? 0 : 3;
        }
    }

    public enum Encoder {
        H264("H.264"),
        HEVC("HEVC"),
        VP8("VP8"),
        VP9("VP9");

        private final String wireName;

        Encoder(String wireName) {
            this.wireName = wireName;
        }

        @JsonValue
        public String wireName() {
            return wireName;
        }

        @JsonCreator
        public static Encoder parse(String text) {
            String wanted = text.toUpperCase(Locale.ROOT);
            for (Encoder e : values()) {
                if (e.wireName.equals(wanted) || e.name().equals(wanted)) {
                    return e;
                }
            }
            throw new IllegalArgumentException("unknown encoder " + text);
        }
    }
}
