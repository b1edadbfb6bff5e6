package dev.spool.ipfs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.json.Json;
import java.util.ArrayList;

/**
 * The NFT metadata pinned beside an exported video, from one of Livepeer's templates with the caller's own
 * {@code nftMetadata} deep-merged on top (objects merge key by key, other values replace, a null removes the key).
 */
public final class NftMetadata {
    public static final String FILE = "file";
    public static final String PLAYER = "player";
    /** Livepeer's immutable player, pinned on IPFS: the {@code player} template's animation. */
    static final String PLAYER_CID = "bafybeihcqgu4rmsrlkqvavkzsnu7h5n66jopckes6u5zrhs3kcffqvylge";

    private NftMetadata() {}

    /**
     * @param template {@code file} (null too) or {@code player}
     * @param custom   the caller's {@code nftMetadata}, or null
     */
    public static ObjectNode of(
            String template, String assetName, String playbackId, String videoCid, JsonNode custom) {
        ObjectNode metadata = Json.mapper().createObjectNode();
        metadata.put("name", assetName);
        metadata.put("description", "Video from asset \"" + assetName + "\"");
        if (PLAYER.equals(template)) {
            metadata.put("animation_url", "ipfs://" + PLAYER_CID + "/?loop=1&v=" + videoCid);
            metadata.put("external_url", "https://lvpr.tv/?v=" + videoCid);
            metadata.putObject("properties")
                    .put("video", "ipfs://" + videoCid)
                    .put("com.livepeer.playbackId", playbackId);
        } else {
            metadata.put("animation_url", "ipfs://" + videoCid);
        }
        if (custom != null && custom.isObject()) {
            merge(metadata, custom);
        }
        return metadata;
    }

    private static void merge(ObjectNode target, JsonNode custom) {
        for (String key : iterable(custom)) {
            JsonNode value = custom.get(key);
            if (value.isNull()) {
                target.remove(key);
            } else if (value.isObject() && target.get(key) instanceof ObjectNode existing) {
                merge(existing, value);
            } else {
                target.set(key, value.deepCopy());
            }
        }
    }

    private static Iterable<String> iterable(JsonNode node) {
        var names = new ArrayList<String>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
