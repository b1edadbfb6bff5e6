package dev.spool.asset;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.task.TaskParams;
import java.util.List;
import java.util.Locale;

/**
 * A video on demand, in the public shape of Livepeer's Asset. {@code staticMp4} is write-only (admins see it);
 * {@code files} and {@code taskId} never leave the server.
 */
public record Asset(
        String id,
        String playbackId,
        String userId,
        Boolean staticMp4,
        String playbackUrl,
        String downloadUrl,
        JsonNode playbackPolicy,
        AssetSource source,
        CreatorId creatorId,
        List<TaskParams.Profile> profiles,
        AssetStatus status,
        String name,
        String projectId,
        Long createdAt,
        String createdByTokenName,
        Long size,
        List<Hash> hash,
        JsonNode videoSpec,
        @JsonIgnore List<AssetFile> files,
        @JsonIgnore String taskId,
        @JsonIgnore Double targetSegmentSizeSecs,
        JsonNode storage) {

    public enum Phase {
        UPLOADING,
        WAITING,
        PROCESSING,
        READY,
        FAILED,
        DELETING,
        DELETED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Phase fromWire(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    public record AssetStatus(Phase phase, long updatedAt, Double progress, String errorMessage) {}

    /** Where the asset came from: {@code url}, {@code directUpload} or {@code clip}. */
    public record AssetSource(
            String type,
            String url,
            String gatewayUrl,
            Encryption encryption,
            String sessionId,
            String sourceId,
            String playbackId,
            String requesterId,
            String assetId) {
        public static AssetSource url(String url) {
            return new AssetSource("url", url, null, null, null, null, null, null, null);
        }

        public static final String CLIP = "clip";

        /** A clip of the asset {@code assetId}, whose playback id is {@code playbackId}. */
        public static AssetSource clip(String playbackId, String assetId, String sessionId) {
            return new AssetSource(CLIP, null, null, null, sessionId, null, playbackId, null, assetId);
        }

        public static AssetSource directUpload() {
            return new AssetSource("directUpload", null, null, null, null, null, null, null, null);
        }
    }

    public record Encryption(String encryptedKey) {}

    public record CreatorId(String type, String value) {}

    public record Hash(String hash, String algorithm) {}

    /** One produced file, relative to {@code <playbackId>/}: what playback info and deletion work from. */
    public record AssetFile(String type, String path, Long size, Integer width, Integer height, Long bitrate) {
        public static final String HLS_MANIFEST = "catalyst_hls_manifest";
        public static final String SOURCE = "source_file";
        public static final String MP4 = "static_transcoded_mp4";
        public static final String THUMBNAILS_VTT = "thumbnails_vtt";
    }

    /** What a caller may see: no write-only fields for non-admins, and tracks only when asked for details. */
    public Asset viewFor(boolean admin, boolean details) {
        JsonNode spec = videoSpec;
        if (!details && spec != null && spec.has("tracks")) {
            spec = spec.deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) spec).remove("tracks");
        }
        AssetSource visibleSource = source;
        if (source != null && source.encryption() != null) {
            visibleSource = new AssetSource(
                    source.type(),
                    source.url(),
                    source.gatewayUrl(),
                    new Encryption("***"),
                    source.sessionId(),
                    source.sourceId(),
                    source.playbackId(),
                    source.requesterId(),
                    source.assetId());
        }
        return new Asset(
                id,
                playbackId,
                userId,
                admin ? staticMp4 : null,
                playbackUrl,
                downloadUrl,
                playbackPolicy,
                visibleSource,
                creatorId,
                profiles,
                status,
                name,
                projectId,
                createdAt,
                createdByTokenName,
                size,
                hash,
                spec,
                files,
                taskId,
                targetSegmentSizeSecs,
                storage);
    }

    Asset withUrls(String playbackUrl, String downloadUrl, JsonNode withStorage) {
        return new Asset(
                id,
                playbackId,
                userId,
                staticMp4,
                playbackUrl,
                downloadUrl,
                playbackPolicy,
                source,
                creatorId,
                profiles,
                status,
                name,
                projectId,
                createdAt,
                createdByTokenName,
                size,
                hash,
                videoSpec,
                files,
                taskId,
                targetSegmentSizeSecs,
                withStorage);
    }
}
