package dev.spool.asset;

import dev.spool.task.Task;
import dev.spool.task.TaskEvent;
import dev.spool.task.TaskObserver;
import dev.spool.task.TaskType;
import java.time.Clock;
import org.jdbi.v3.core.Handle;

/** Keeps an asset's {@code storage.status} in step with the export making its IPFS copy, in the task's transaction. */
public final class AssetStorageObserver implements TaskObserver {
    private final AssetRepository assets;
    private final Clock clock;

    public AssetStorageObserver(AssetRepository assets, Clock clock) {
        this.assets = assets;
        this.clock = clock;
    }

    @Override
    public void changed(Handle h, Task task, TaskEvent.Kind kind) {
        if (task.type() != TaskType.EXPORT || task.inputAssetId() == null || kind == TaskEvent.Kind.SPAWNED) {
            return;
        }
        assets.find(h, task.inputAssetId())
                .filter(a -> !AssetRepository.isGone(a))
                .ifPresent(asset -> {
                    long now = clock.millis();
                    var storage = IpfsCopy.followed(asset.storage(), task, now);
                    if (storage != null && !storage.equals(asset.storage())) {
                        assets.updateStorage(h, asset.id(), storage, now);
                    }
                });
    }
}
