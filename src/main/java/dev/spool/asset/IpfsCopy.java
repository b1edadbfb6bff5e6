package dev.spool.asset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.json.Json;
import dev.spool.task.Task;
import dev.spool.task.TaskParams;

/**
 * An asset's {@code storage}: its copy on IPFS ({@code ipfs.spec}, {@code ipfs.cid}, {@code ipfs.nftMetadata.cid},
 * {@code ipfs.updatedAt}) and the state of the export that makes it ({@code status}: phase, progress, errorMessage,
 * tasks {pending, last, failed}). While an export runs, {@code ipfs} keeps describing the last copy made; a failed
 * export leaves it as it was ({@code reverted}), or {@code failed} when there was none.
 */
final class IpfsCopy {
    private IpfsCopy() {}

    /** The spec a PATCH asks for ({@code ipfs: true} or {@code {spec: {...}}}), or null when it asks for none. */
    static JsonNode requestedSpec(JsonNode storage) {
        JsonNode ipfs = storage == null ? null : storage.get("ipfs");
        if (ipfs == null || ipfs.isNull() || (ipfs.isBoolean() && !ipfs.asBoolean())) {
            return null;
        }
        if (ipfs.isBoolean()) {
            return Json.mapper().createObjectNode();
        }
        JsonNode spec = ipfs.get("spec");
        return spec == null || spec.isNull() ? Json.mapper().createObjectNode() : spec;
    }

    static boolean hasCopy(JsonNode storage) {
        return storage != null && storage.path("ipfs").isObject();
    }

    /** Export parameters for a spec ({@code nftMetadataTemplate}, {@code nftMetadata}). */
    static TaskParams.Ipfs params(JsonNode spec) {
        return new TaskParams.Ipfs(
                spec.path("nftMetadataTemplate").isTextual()
                        ? spec.get("nftMetadataTemplate").asText()
                        : null,
                spec.get("nftMetadata"),
                null);
    }

    /** The storage once {@code taskId} was queued to copy the asset with {@code spec}. */
    static ObjectNode requested(JsonNode before, JsonNode spec, String taskId) {
        ObjectNode storage = before == null ? Json.mapper().createObjectNode() : (ObjectNode) before.deepCopy();
        if (!storage.path("ipfs").isObject()) {
            storage.putObject("ipfs").set("spec", spec);
        }
        var tasks = Json.mapper().createObjectNode();
        if (storage.path("status").path("tasks").has("last")) {
            tasks.set("last", storage.path("status").path("tasks").get("last"));
        }
        tasks.put("pending", taskId);
        storage.putObject("status").put("phase", "waiting").set("tasks", tasks);
        return storage;
    }

    /** The storage as the export task {@code task} moves, or null when it is not this asset's pending export. */
    static ObjectNode followed(JsonNode before, Task task, long now) {
        if (before == null
                || !task.id()
                        .equals(before.path("status")
                                .path("tasks")
                                .path("pending")
                                .asText())) {
            return null;
        }
        ObjectNode storage = before.deepCopy();
        ObjectNode status = (ObjectNode) storage.get("status");
        ObjectNode tasks = (ObjectNode) status.get("tasks");
        switch (task.status().phase()) {
            case RUNNING -> {
                status.put("phase", "processing");
                if (task.status().progress() != null) {
                    status.put("progress", task.status().progress());
                }
            }
            case COMPLETED -> {
                JsonNode cids = task.output().path("export").path("ipfs");
                ObjectNode ipfs = storage.putObject("ipfs");
                ipfs.set("spec", spec(task.params().export().ipfs()));
                ipfs.put("cid", cids.path("videoFileCid").asText());
                ipfs.putObject("nftMetadata")
                        .put("cid", cids.path("nftMetadataCid").asText());
                ipfs.put("updatedAt", now);
                storage.set("status", Json.mapper().createObjectNode().put("phase", "ready"));
                ((ObjectNode) storage.get("status")).putObject("tasks").put("last", task.id());
            }
            case FAILED, CANCELLED -> {
                boolean copied = storage.path("ipfs").has("cid");
                status.put("phase", copied ? "reverted" : "failed");
                status.remove("progress");
                status.put(
                        "errorMessage",
                        task.status().errorMessage() == null
                                ? "the export was cancelled"
                                : task.status().errorMessage());
                tasks.remove("pending");
                tasks.put("failed", task.id());
            }
            default -> {
                return null;
            }
        }
        return storage;
    }

    private static JsonNode spec(TaskParams.Ipfs params) {
        var spec = Json.mapper().createObjectNode();
        if (params.nftMetadataTemplate() != null) {
            spec.put("nftMetadataTemplate", params.nftMetadataTemplate());
        }
        if (params.nftMetadata() != null) {
            spec.set("nftMetadata", params.nftMetadata());
        }
        return spec;
    }
}
