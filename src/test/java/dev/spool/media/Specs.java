package dev.spool.media;

import java.util.List;

/** Probe results built by hand, for tests of planning and validation that need no file. */
final class Specs {

    private Specs() {}

    static VideoSpec video(int width, int height, Long bitrate) {
        return video("h264", width, height, bitrate, 30.0, 0);
    }

    static VideoSpec video(String codec, int width, int height, Long bitrate, Double fps, int rotation) {
        VideoSpec.Track track = new VideoSpec.Track(
                VideoSpec.Track.VIDEO,
                codec,
                0.0,
                10.0,
                bitrate,
                width,
                height,
                "yuv420p",
                fps,
                null,
                null,
                8,
                rotation,
                null,
                "1:1",
                fps == null ? "0/0" : fps.intValue() + "/1",
                false,
                0);
        return new VideoSpec("mp4", 10.0, bitrate, List.of(track), bitrate);
    }

    /** {@code spec} with its video track's frames in {@code pixelFormat} (ffprobe's name). */
    static VideoSpec withPixelFormat(VideoSpec spec, String pixelFormat) {
        VideoSpec.Track v = spec.video().orElseThrow();
        VideoSpec.Track changed = new VideoSpec.Track(
                v.type(),
                v.codec(),
                v.startTime(),
                v.duration(),
                v.bitrate(),
                v.width(),
                v.height(),
                pixelFormat,
                v.fps(),
                v.channels(),
                v.sampleRate(),
                v.bitDepth(),
                v.rotation(),
                v.displayAspectRatio(),
                v.sampleAspectRatio(),
                v.frameRate(),
                v.variableFrameRate(),
                v.index());
        return new VideoSpec(spec.format(), spec.duration(), spec.bitrate(), List.of(changed), spec.formatBitrate());
    }

    static VideoSpec audioOnly() {
        VideoSpec.Track track = new VideoSpec.Track(
                VideoSpec.Track.AUDIO,
                "mp3",
                0.0,
                10.0,
                128_000L,
                null,
                null,
                null,
                null,
                2,
                44_100,
                null,
                null,
                null,
                null,
                null,
                false,
                0);
        return new VideoSpec("mp3", 10.0, 128_000L, List.of(track), 128_000L);
    }

    static VideoSpec noStreams() {
        return new VideoSpec("matroska", 10.0, null, List.of(), null);
    }
}
