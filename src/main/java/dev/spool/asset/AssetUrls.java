package dev.spool.asset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Every URL Spool hands out for assets, from {@code SPOOL_PUBLIC_URL}. Files are served at
 * {@code /asset/<playbackId>/<path>} straight from the object store key {@code <playbackId>/<path>}.
 */
public final class AssetUrls {
    /** The object key, under the asset's folder, of its source file (the upload, or the imported copy). */
    public static final String SOURCE_PATH = "video";

    private final String publicUrl;
    private final String ipfsGateway;

    /** @param ipfsGateway the gateway base (ending in {@code /ipfs/}) IPFS copies are shown through */
    public AssetUrls(String publicUrl, String ipfsGateway) {
        this.publicUrl = publicUrl;
        this.ipfsGateway = ipfsGateway;
    }

    public String file(String playbackId, String path) {
        return publicUrl + "/asset/" + playbackId + "/" + path;
    }

    String uploadedSource(String playbackId) {
        return file(playbackId, SOURCE_PATH);
    }

    String directUpload(String token) {
        return publicUrl + "/api/asset/upload/direct?token=" + token;
    }

    String tusEndpoint(String token) {
        return publicUrl + "/api/asset/upload/tus?token=" + token;
    }

    /**
     * Ready assets get their playback and download URLs (others have none yet), and an IPFS copy its
     * {@code ipfs://} and gateway URLs, made now so they follow the gateway setting.
     */
    Asset withUrls(Asset asset) {
        JsonNode storage =
                asset.storage() == null ? null : linked(asset.storage().deepCopy());
        if (asset.status().phase() != Asset.Phase.READY || asset.files() == null) {
            return asset.withUrls(null, null, storage);
        }
        String playback = asset.files().stream()
                .filter(f -> f.type().equals(Asset.AssetFile.HLS_MANIFEST))
                .findFirst()
                .map(f -> file(asset.playbackId(), f.path()))
                .orElse(null);
        String download = asset.files().stream()
                .filter(f -> f.type().equals(Asset.AssetFile.SOURCE))
                .findFirst()
                .map(f -> file(asset.playbackId(), f.path()))
                .orElse(null);
        return asset.withUrls(playback, download, storage);
    }

    private JsonNode linked(JsonNode storage) {
        if (storage.path("ipfs") instanceof ObjectNode ipfs) {
            link(ipfs);
            if (ipfs.get("nftMetadata") instanceof ObjectNode nft) {
                link(nft);
            }
        }
        return storage;
    }

    private void link(ObjectNode file) {
        String cid = file.path("cid").asText("");
        if (!cid.isEmpty()) {
            file.put("url", "ipfs://" + cid);
            file.put("gatewayUrl", ipfsGateway + cid);
        }
    }

    /** The asset as its owner sees it, URLs and track details included: the snapshot webhook events carry. */
    public Asset publicView(Asset asset) {
        return withUrls(asset).viewFor(false, true);
    }
}
