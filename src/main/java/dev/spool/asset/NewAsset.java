package dev.spool.asset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.task.TaskParams;
import java.util.List;

/**
 * The body of {@code POST /asset/upload/url} ({@code url} required) and {@code POST /asset/request-upload}
 * ({@code url} absent): Livepeer's new-asset payloads.
 */
public record NewAsset(
        String name,
        String url,
        Boolean staticMp4,
        JsonNode playbackPolicy,
        JsonNode creatorId,
        JsonNode storage,
        JsonNode encryption,
        Boolean c2pa,
        List<TaskParams.Profile> profiles,
        Double targetSegmentSizeSecs) {}
