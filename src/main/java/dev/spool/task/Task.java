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
        return new Task(id, type, createdAt, scheduledAt, inputAssetId, outputAssetId, projectId, requesterId,
                params.masked(), admin ? status : status.withoutStep(), admin ? output : publicOutput(output),
                userId);
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
