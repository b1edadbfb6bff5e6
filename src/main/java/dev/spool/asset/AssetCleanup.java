package dev.spool.asset;

import dev.spool.storage.ObjectStore;
import dev.spool.storage.StorageException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the files of deleted assets in the background, then marks them {@code deleted}. A failed removal is
 * tried again at the next run; nothing is marked deleted while its files remain.
 */
public final class AssetCleanup implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AssetCleanup.class);
    private static final Duration SETTLE = Duration.ofSeconds(3);

    private final AssetRepository assets;
    private final ObjectStore store;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("spool-asset-cleanup").factory());

    public AssetCleanup(AssetRepository assets, ObjectStore store, Clock clock) {
        this.assets = assets;
        this.store = store;
        this.clock = clock;
    }

    public AssetCleanup start(Duration every) {
        scheduler.scheduleWithFixedDelay(this::runOnce, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One pass over every asset being deleted; answers how many were finished. */
    public int runOnce() {
        int done = 0;
        // A cancelled task's worker may still be finishing its last write for a moment; let it stop first.
        for (var asset : assets.deletingSince(clock.millis() - SETTLE.toMillis())) {
            try {
                store.deletePrefix(asset.playbackId() + "/");
                assets.markDeleted(asset.id(), clock.millis());
                done++;
            } catch (StorageException e) {
                log.warn("could not remove the files of deleted asset {} yet: {}", asset.id(), e.getMessage());
            } catch (RuntimeException e) {
                log.error("asset clean-up failed for {}", asset.id(), e);
            }
        }
        return done;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
