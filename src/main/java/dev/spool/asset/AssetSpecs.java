package dev.spool.asset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.json.Json;
import dev.spool.media.PipelineResult;
import dev.spool.task.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * The output of a task that fills an asset ({@code upload}, {@code clip}): where its file and metadata are, and an
 * asset-shaped {@code assetSpec} (id, name, source, type, size, hash, videoSpec, as the public Asset schema requires,
 * plus the files the asset takes its URLs from).
 */
final class AssetSpecs {
    static final String METADATA = "metadata.json";

    private AssetSpecs() {}

    /**
     * @param sourcePath the asset's own file under its folder: the upload's copy, or a clip's largest MP4
     */
    static JsonNode output(PipelineResult result, Asset asset, String sourcePath) {
        var files = new ArrayList<Asset.AssetFile>();
        files.add(new Asset.AssetFile(Asset.AssetFile.HLS_MANIFEST, result.masterPlaylist(), null, null, null, null));
        files.add(new Asset.AssetFile(Asset.AssetFile.SOURCE, sourcePath, result.inputSize(), null, null, null));
        for (var mp4 : result.mp4s()) {
            files.add(new Asset.AssetFile(
                    Asset.AssetFile.MP4, mp4.path(), mp4.size(), mp4.width(), mp4.height(), mp4.bitrate()));
        }
        if (result.thumbnailsVtt() != null) {
            files.add(new Asset.AssetFile(
                    Asset.AssetFile.THUMBNAILS_VTT, result.thumbnailsVtt(), null, null, null, null));
        }
        var spec = new AssetSpec(
                asset.id(),
                asset.playbackId(),
                asset.name(),
                asset.source(),
                "video",
                result.inputSize(),
                List.of(new Asset.Hash(result.md5(), "md5"), new Asset.Hash(result.sha256(), "sha256")),
                Json.mapper().valueToTree(result.inputSpec()),
                files);
        String prefix = asset.playbackId();
        return Json.mapper().valueToTree(new Output(prefix + "/" + sourcePath, prefix + "/" + METADATA, spec));
    }

    /** {@code output.upload} / {@code output.clip}, as Livepeer writes them. */
    private record Output(String videoFilePath, String metadataFilePath, AssetSpec assetSpec) {}

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
