package dev.spool.asset;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** {@code GET /playback/{id}}: Livepeer's playback-info shape for an asset ({@code meta.live} is always 0). */
public record PlaybackInfo(String type, Meta meta) {

    /**
     * @param playbackPolicy the asset's policy, absent for a public asset without one: players read it to know
     *     whether to attach a playback token
     */
    public record Meta(int live, JsonNode playbackPolicy, List<Source> source) {}

    public record Source(String hrn, String type, String url, Long size, Integer width, Integer height, Long bitrate) {}
}
