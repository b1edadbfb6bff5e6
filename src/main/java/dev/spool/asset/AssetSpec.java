package dev.spool.asset;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * Livepeer's {@code assetSpec}: what a task that produced an asset found out about it, written into the task's
 * output by the handler and copied onto the asset by {@link AssetTaskObserver} when the task completes.
 *
 * @param videoSpec the input's {@code videoSpec} as ffprobe described it
 * @param files     the produced files, relative to the asset's playback id
 */
public record AssetSpec(String name, String type, long size, List<Asset.Hash> hash, JsonNode videoSpec,
                        List<Asset.AssetFile> files) {
}
