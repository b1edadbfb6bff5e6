package dev.spool.asset;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Livepeer's {@code assetSpec}: what a task that produced an asset found out about it, written into the task's
 * output by the handler and copied onto the asset by {@link AssetTaskObserver} when the task completes. Shaped as
 * the public Asset schema wants it (its required {@code id}, {@code name} and {@code source} included), so SDKs
 * that parse tasks read it as an asset.
 *
 * @param videoSpec the input's {@code videoSpec} as ffprobe described it
 * @param files     the produced files, relative to the asset's playback id
 */
public record AssetSpec(
        String id,
        String playbackId,
        String name,
        Asset.AssetSource source,
        String type,
        long size,
        List<Asset.Hash> hash,
        JsonNode videoSpec,
        List<Asset.AssetFile> files) {}
