package dev.spool.asset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.access.PlaybackPolicy;
import dev.spool.error.FieldLimits;
import dev.spool.error.SpoolException;
import dev.spool.storage.SourceUrls;
import dev.spool.task.Profiles;
import java.util.Base64;

/** Checks asset payloads field by field; every refusal names the field and says what would be accepted. */
public final class AssetValidation {
    private AssetValidation() {}

    static void validate(NewAsset request, boolean importing) {
        if (request.name() == null || request.name().isBlank()) {
            throw SpoolException.invalid("name", "is required");
        }
        FieldLimits.check("name", request.name(), FieldLimits.NAME);
        if (importing) {
            SourceUrls.require("url", request.url());
        } else if (request.url() != null) {
            throw SpoolException.invalid("url", "is not accepted here: use POST /api/asset/upload/url to import");
        }
        encryption(request.encryption(), request.playbackPolicy());
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
        FieldLimits.check("name", patch.name(), FieldLimits.NAME);
        validatePolicy(patch.playbackPolicy());
        creatorId(patch.creatorId());
    }

    /**
     * The stored form of {@code encryption}: {@code {encryptedKey}} with canonical base64, only for assets that are
     * not public (the point of encrypting is that only authorised viewers get the video); null for none.
     */
    static Asset.Encryption encryption(JsonNode encryption, JsonNode policy) {
        if (encryption == null || encryption.isNull()) {
            return null;
        }
        JsonNode key = encryption.get("encryptedKey");
        if (!encryption.isObject() || encryption.size() != 1 || key == null || !key.isTextual()) {
            throw SpoolException.invalid("encryption", "must be {\"encryptedKey\": <base64>}");
        }
        try {
            String text = key.asText();
            if (text.isEmpty()
                    || !Base64.getEncoder()
                            .encodeToString(Base64.getDecoder().decode(text))
                            .equals(text)) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw SpoolException.invalid("encryption.encryptedKey", "must be valid base64");
        }
        if (!PlaybackPolicy.isPrivate(policy)) {
            throw SpoolException.invalid(
                    "playbackPolicy",
                    "an encrypted upload needs a jwt or webhook playback "
                            + "policy: a public one would hand the decrypted video to anyone");
        }
        return new Asset.Encryption(key.asText());
    }

    private static void validateStorage(JsonNode storage) {
        if (storage == null || storage.isNull()) {
            return;
        }
        JsonNode ipfs = storage.get("ipfs");
        boolean off = ipfs == null || ipfs.isNull() || (ipfs.isBoolean() && !ipfs.asBoolean());
        if (!storage.isObject() || !off || storage.size() > 1) {
            throw SpoolException.invalid(
                    "storage.ipfs",
                    "cannot be set when creating an asset; once it is ready, "
                            + "PATCH /api/asset/{id} with storage.ipfs (or POST /api/asset/{id}/export) copies it to IPFS");
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
        if (creatorId.isObject()
                && "unverified".equals(creatorId.path("type").asText())
                && creatorId.path("value").isTextual()
                && creatorId.size() == 2) {
            return new Asset.CreatorId("unverified", creatorId.path("value").asText());
        }
        throw SpoolException.invalid("creatorId", "must be a string or {\"type\": \"unverified\", \"value\": string}");
    }
}
