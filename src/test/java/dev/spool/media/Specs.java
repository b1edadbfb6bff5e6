package dev.spool.media;

import java.util.List;

/** Probe results built by hand, for tests of planning and validation that need no file. */
final class Specs {

    private Specs() {}

    static VideoSpec video(int width, int height, Long bitrate) {
        return video("h264", width, height, bitrate, 30.0, 0);
    }

    static VideoSpec video(String codec, int width, int height, Long bitrate, Double fps, int rotation) {
        return video(codec, width, height, bitrate, fps, rotation, "yuv420p");
    }

    /** A video whose decoded frames are in {@code pixelFormat} (ffprobe's name). */
    static VideoSpec video(
            String codec, int width, int height, Long bitrate, Double fps, int rotation, String pixelFormat) {
        VideoSpec.Track track = new VideoSpec.Track(
                VideoSpec.Track.VIDEO,
                codec,
                0.0,
                10.0,
                bitrate,
                width,
                height,
                pixelFormat,
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
