package dev.spool.media;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Optional;

/**
 * What ffprobe found in an input, shaped like the {@code videoSpec} of a Livepeer asset. Absent
 * values are null and left out of JSON. Fields only the planner needs are kept out of JSON.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VideoSpec(
        String format,
        Double duration,
        Long bitrate,
        List<Track> tracks,
        @JsonIgnore Long formatBitrate) {

    public VideoSpec {
        tracks = List.copyOf(tracks);
    }

    /**
     * One audio or video stream.
     *
     * @param rotation           clockwise display rotation in degrees (0, 90, 180, 270); video only
     * @param displayAspectRatio as ffprobe reports it, e.g. {@code 16:9}
     * @param sampleAspectRatio  pixel shape, e.g. {@code 1:1}
     * @param frameRate          exact average frame rate as a fraction, e.g. {@code 30000/1001}
     * @param variableFrameRate  true when the stream's timestamps do not follow one constant rate
     * @param index              the stream's index in the file, so ffmpeg maps exactly this stream
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Track(
            String type,
            String codec,
            Double startTime,
            Double duration,
            Long bitrate,
            Integer width,
            Integer height,
            String pixelFormat,
            Double fps,
            Integer channels,
            Integer sampleRate,
            Integer bitDepth,
            @JsonIgnore Integer rotation,
            @JsonIgnore String displayAspectRatio,
            @JsonIgnore String sampleAspectRatio,
            @JsonIgnore String frameRate,
            @JsonIgnore boolean variableFrameRate,
            @JsonIgnore int index) {

        public static final String VIDEO = "video";
        public static final String AUDIO = "audio";

        /** Width as displayed: pixel aspect applied, then rotation. */
        @JsonIgnore
        public int displayWidth() {
            return upright() ? shapedWidth() : height;
        }

        /** Height as displayed: pixel aspect applied, then rotation. */
        @JsonIgnore
        public int displayHeight() {
            return upright() ? height : shapedWidth();
        }

        /** Whether the picture is shown as stored, or turned a half: ffmpeg's frames then keep the stored size. */
        @JsonIgnore
        boolean upright() {
            return rotation == null || rotation % 180 == 0;
        }

        private int shapedWidth() {
            Fraction sar = Fraction.parse(sampleAspectRatio);
            if (sar == null || sar.numerator() <= 0 || sar.denominator() <= 0) {
                return width;
            }
            return (int) Math.round(width * sar.value());
        }
    }

    /** The same media cut to {@code seconds}: what a part of this input is. */
    VideoSpec withDuration(double seconds) {
        List<Track> cut = tracks.stream()
                .map(t -> new Track(
                        t.type(),
                        t.codec(),
                        t.startTime(),
                        t.duration() == null ? null : Math.min(t.duration(), seconds),
                        t.bitrate(),
                        t.width(),
                        t.height(),
                        t.pixelFormat(),
                        t.fps(),
                        t.channels(),
                        t.sampleRate(),
                        t.bitDepth(),
                        t.rotation(),
                        t.displayAspectRatio(),
                        t.sampleAspectRatio(),
                        t.frameRate(),
                        t.variableFrameRate(),
                        t.index()))
                .toList();
        return new VideoSpec(format, seconds, bitrate, cut, formatBitrate);
    }

    @JsonIgnore
    public Optional<Track> video() {
        return tracks.stream().filter(t -> Track.VIDEO.equals(t.type())).findFirst();
    }

    @JsonIgnore
    public Optional<Track> audio() {
        return tracks.stream().filter(t -> Track.AUDIO.equals(t.type())).findFirst();
    }

    /**
     * Seconds from the earliest stream start to the latest stream end, so neither a longer audio track
     * nor a held last frame is cut; the declared duration when the streams do not say.
     */
    @JsonIgnore
    public Double timelineLength() {
        double start = Double.MAX_VALUE;
        double end = 0;
        for (Track t : tracks) {
            if (t.duration() == null) {
                return duration;
            }
            double trackStart = t.startTime() == null ? 0 : t.startTime();
            start = Math.min(start, trackStart);
            end = Math.max(end, trackStart + t.duration());
        }
        return tracks.isEmpty() ? duration : end - start;
    }
}
