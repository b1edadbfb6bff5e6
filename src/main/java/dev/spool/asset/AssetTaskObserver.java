package dev.spool.asset;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.json.Json;
import dev.spool.task.Task;
import dev.spool.task.TaskEvent;
import dev.spool.task.TaskObserver;
import dev.spool.task.TaskPhase;
import java.time.Clock;
import org.jdbi.v3.core.Handle;

/**
 * Keeps an asset's status in step with the task that produces it, in the task's own transaction: running means
 * processing (progress never backwards), completion records the media and makes it ready, failure and
 * cancellation make it failed. Assets being deleted are left alone.
 */
public final class AssetTaskObserver implements TaskObserver {
    private final AssetRepository assets;
    private final Clock clock;

    public AssetTaskObserver(AssetRepository assets, Clock clock) {
        this.assets = assets;
        this.clock = clock;
    }

    /** The part of a task's {@code output.<type>} that describes the asset it produced; the rest is not ours. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    private record ProducedAsset(AssetSpec assetSpec) {}

    @Override
    public void changed(Handle h, Task task, TaskEvent.Kind kind) {
        if (task.outputAssetId() == null || kind == TaskEvent.Kind.SPAWNED) {
            return;
        }
        long now = clock.millis();
        var phase = task.status().phase();
        if (kind == TaskEvent.Kind.COMPLETED) {
            JsonNode output =
                    task.output() == null ? null : task.output().get(task.type().wire());
            var produced = output == null || !output.isObject()
                    ? null
                    : Json.mapper().convertValue(output, ProducedAsset.class);
            if (produced != null && produced.assetSpec() != null) {
                assets.recordMedia(h, task.outputAssetId(), produced.assetSpec());
            }
            assets.updateStatus(h, task.outputAssetId(), Asset.Phase.READY, null, null, now);
        } else if (kind == TaskEvent.Kind.FAILED) {
            assets.updateStatus(
                    h,
                    task.outputAssetId(),
                    Asset.Phase.FAILED,
                    null,
                    task.status().errorMessage(),
                    now);
        } else if (kind == TaskEvent.Kind.CANCELLED) {
            assets.updateStatus(
                    h,
                    task.outputAssetId(),
                    Asset.Phase.FAILED,
                    null,
                    "processing was cancelled; retry the task to process the asset again",
                    now);
        } else if (phase == TaskPhase.RUNNING) {
            assets.updateStatus(
                    h,
                    task.outputAssetId(),
                    Asset.Phase.PROCESSING,
                    task.status().progress(),
                    null,
                    now);
        }
    }
}
