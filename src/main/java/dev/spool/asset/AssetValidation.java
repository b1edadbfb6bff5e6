package dev.spool.asset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.access.PlaybackPolicy;
import dev.spool.error.SpoolException;
import dev.spool.task.Profiles;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/** Checks asset payloads field by field; every refusal names the field and says what would be accepted. */
public final class AssetValidation {
    private static final Set<String> URL_SCHEMES = Set.of("http", "https", "ipfs", "ar", "s3+http", "s3+https");

    private AssetValidation() {
    }

    static void validate(NewAsset request, boolean importing) {
        if (request.name() == null || request.name().isBlank()) {
            throw SpoolException.invalid("name", "is required");
        }
        if (importing) {
            validateUrl(request.url());
        } else if (request.url() != null) {
            throw SpoolException.invalid("url", "is not accepted here: use POST /api/asset/upload/url to import");
        }
        if (request.encryption() != null && !request.encryption().isNull()) {
            throw SpoolException.invalid("encryption",
                    "encrypted uploads are not supported by this server; upload the file unencrypted");
        }
        validateStorage(request.storage());
        validatePolicy(request.playbackPolicy());
        creatorId(request.creatorId());
        Profiles.validate("profiles", request.profiles());
        var segment = request.targetSegmentSizeSecs();
        if (segment != null && (segment <= 0 || segment > 20)) {
            throw SpoolException.invalid("targetSegmentSizeSecs", "must be more than 0 and at most 20 seconds");
        }
    }

    static void validate(AssetPatch patch) {
        if (patch.name() != null && patch.name().isBlank()) {
            throw SpoolException.invalid("name", "must not be empty");
        }
        validateStorage(patch.storage());
        validatePolicy(patch.playbackPolicy());
        creatorId(patch.creatorId());
    }

    private static void validateUrl(String url) {
        if (url == null || url.isBlank()) {
            throw SpoolException.invalid("url", "is required: the http(s), ipfs://, ar:// or s3+http(s):// address "
                    + "of the video");
        }
        try {
            var uri = new URI(url);
            if (uri.getScheme() == null || !URL_SCHEMES.contains(uri.getScheme().toLowerCase())) {
                throw SpoolException.invalid("url", "must start with http://, https://, ipfs://, ar://, s3+http:// "
                        + "or s3+https://");
            }
        } catch (URISyntaxException e) {
            throw SpoolException.invalid("url", "is not a valid URL (" + e.getReason() + ")");
        }
    }

    private static void validateStorage(JsonNode storage) {
        if (storage == null || storage.isNull()) {
            return;
        }
        JsonNode ipfs = storage.get("ipfs");
        boolean off = ipfs == null || ipfs.isNull() || (ipfs.isBoolean() && !ipfs.asBoolean());
        if (!storage.isObject() || !off || storage.size() > 1) {
            throw SpoolException.invalid("storage.ipfs",
                    "IPFS storage is not supported by this server; leave storage out");
        }
    }

    private static void validatePolicy(JsonNode policy) {
        PlaybackPolicy.parse(policy);
    }

    /** The stored form of a playback policy: an explicit JSON null means none, as an absent one does. */
    static JsonNode playbackPolicy(JsonNode policy) {
        return policy == null || policy.isNull() ? null : policy;
    }

    /** The stored form: a plain string is shorthand for {@code {"type": "unverified", "value": ...}}. */
    public static Asset.CreatorId creatorId(JsonNode creatorId) {
        if (creatorId == null || creatorId.isNull()) {
            return null;
        }
        if (creatorId.isTextual()) {
            return new Asset.CreatorId("unverified", creatorId.asText());
        }
        if (creatorId.isObject() && "unverified".equals(creatorId.path("type").asText())
                && creatorId.path("value").isTextual() && creatorId.size() == 2) {
            return new Asset.CreatorId("unverified", creatorId.path("value").asText());
        }
        throw SpoolException.invalid("creatorId", "must be a string or {\"type\": \"unverified\", \"value\": string}");
    }
}
