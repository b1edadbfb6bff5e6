package dev.spool.task;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A unit of asynchronous work, in the exact public shape of Livepeer's Task. {@code userId} is the owner and
 * never leaves the server (the public schema has no such field).
 */
public record Task(
        String id,
        TaskType type,
        long createdAt,
        Long scheduledAt,
        String inputAssetId,
        String outputAssetId,
        String projectId,
        String requesterId,
        TaskParams params,
        TaskStatus status,
        JsonNode output,
        @JsonIgnore String userId) {

    /** What a caller may see: credentials always masked; internal fields only for admins. */
    public Task viewFor(boolean admin) {
        return new Task(
                id,
                type,
                createdAt,
                scheduledAt,
                inputAssetId,
                outputAssetId,
                projectId,
                requesterId,
                params.masked(),
                admin ? status : status.withoutStep(),
                admin ? output : publicOutput(output),
                userId);
    }

    /**
     * The {@code ipfs://} and gateway URLs of the CIDs an export recorded, made at read time so they follow the
     * gateway setting.
     */
    public Task withIpfsLinks(String gateway) {
        if (output == null
                || !(output.path("export").get("ipfs") instanceof ObjectNode)
                        && !(output.path("exportData").get("ipfs") instanceof ObjectNode)) {
            return this;
        }
        var copy = output.deepCopy();
        if (copy.path("export").get("ipfs") instanceof ObjectNode ipfs) {
            link(ipfs, "videoFileCid", "videoFileUrl", "videoFileGatewayUrl", gateway);
            link(ipfs, "nftMetadataCid", "nftMetadataUrl", "nftMetadataGatewayUrl", gateway);
        }
        return new Task(
                id,
                type,
                createdAt,
                scheduledAt,
                inputAssetId,
                outputAssetId,
                projectId,
                requesterId,
                params,
                status,
                copy,
                userId);
    }

    private static void link(ObjectNode node, String cidField, String urlField, String gatewayField, String gateway) {
        String cid = node.path(cidField).asText("");
        if (!cid.isEmpty()) {
            node.put(urlField, "ipfs://" + cid);
            node.put(gatewayField, gateway + cid);
        }
    }

    /** Paths of the internal output files (and the asset's file list) are hidden from non-admins, as in Livepeer. */
    private static JsonNode publicOutput(JsonNode output) {
        if (output == null) {
            return null;
        }
        var copy = output.deepCopy();
        for (String variant : new String[] {"upload", "clip"}) {
            if (copy.get(variant) instanceof ObjectNode node) {
                node.remove("videoFilePath");
                node.remove("metadataFilePath");
                if (node.get("assetSpec") instanceof ObjectNode spec) {
                    spec.remove("files");
                }
            }
        }
        if (copy.get("export") instanceof ObjectNode export) {
            export.remove("internal");
        }
        return copy;
    }
}
