package dev.spool.asset;

import java.util.List;

/** {@code GET /playback/{id}}: Livepeer's playback-info shape for an asset ({@code meta.live} is always 0). */
public record PlaybackInfo(String type, Meta meta) {

    public record Meta(int live, List<Source> source) {}

    public record Source(String hrn, String type, String url, Long size, Integer width, Integer height, Long bitrate) {}
}
