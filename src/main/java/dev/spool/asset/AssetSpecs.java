package dev.spool.asset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.json.Json;
import dev.spool.media.PipelineResult;
import dev.spool.task.Task;

import java.util.ArrayList;

/**
 * The output of a task that fills an asset ({@code upload}, {@code clip}): where its file and metadata are, and an
 * asset-shaped {@code assetSpec} (id, name, source, type, size, hash, videoSpec, as the public Asset schema requires,
 * plus the files the asset takes its URLs from).
 */
final class AssetSpecs {
    static final String METADATA = "metadata.json";

    private AssetSpecs() {
    }

    /**
     * @param sourcePath the asset's own file under its folder: the upload's copy, or a clip's largest MP4
     */
    static JsonNode output(PipelineResult result, Asset asset, String sourcePath) {
        var files = new ArrayList<Asset.AssetFile>();
        files.add(new Asset.AssetFile(Asset.AssetFile.HLS_MANIFEST, result.masterPlaylist(), null, null, null, null));
        files.add(new Asset.AssetFile(Asset.AssetFile.SOURCE, sourcePath, result.inputSize(), null, null, null));
        for (var mp4 : result.mp4s()) {
            files.add(new Asset.AssetFile(Asset.AssetFile.MP4, mp4.path(), mp4.size(), mp4.width(), mp4.height(),
                    mp4.bitrate()));
        }
        if (result.thumbnailsVtt() != null) {
            files.add(new Asset.AssetFile(Asset.AssetFile.THUMBNAILS_VTT, result.thumbnailsVtt(), null, null, null,
                    null));
        }
        var spec = Json.mapper().createObjectNode();
        spec.put("id", asset.id());
        spec.put("playbackId", asset.playbackId());
        spec.put("name", asset.name());
        spec.set("source", Json.mapper().valueToTree(asset.source()));
        spec.put("type", "video");
        spec.put("size", result.inputSize());
        ArrayNode hash = spec.putArray("hash");
        hash.addObject().put("hash", result.md5()).put("algorithm", "md5");
        hash.addObject().put("hash", result.sha256()).put("algorithm", "sha256");
        spec.set("videoSpec", Json.mapper().valueToTree(result.inputSpec()));
        spec.set("files", Json.mapper().valueToTree(files));
        String prefix = asset.playbackId();
        var output = Json.mapper().createObjectNode();
        output.put("videoFilePath", prefix + "/" + sourcePath);
        output.put("metadataFilePath", prefix + "/" + METADATA);
        output.set("assetSpec", spec);
        return output;
    }

    /** {@code metadata.json}: what the task made, kept beside the asset's files. */
    static ObjectNode metadata(Task task, Asset asset, PipelineResult result) {
        var node = Json.mapper().createObjectNode();
        node.put("taskId", task.id());
        node.put("assetId", asset.id());
        node.put("playbackId", asset.playbackId());
        node.set("videoSpec", Json.mapper().valueToTree(result.inputSpec()));
        node.set("renditions", Json.mapper().valueToTree(result.renditions()));
        node.set("mp4", Json.mapper().valueToTree(result.mp4s()));
        return node;
    }
}
