package dev.spool.access;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.error.SpoolException;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a viewer may have one of an asset's files, from the asset's playback policy and what the viewer
 * brought: a JWT signed by one of the owner's enabled keys, or an access key the owner's webhook accepts. Public
 * assets cost nothing here. A token's signature is checked once and remembered; the key's state is re-read every
 * few seconds, so a disabled or deleted key stops working everywhere within that time.
 */
public final class PlaybackGate {
    public static final String JWT_PARAMETER = "jwt";
    public static final String JWT_HEADER = "Livepeer-Jwt";
    private static final int REMEMBERED_TOKENS = 10_000;

    private final SigningKeys keys;
    private final Clock clock;
    private final ConcurrentHashMap<String, PlaybackToken> verified = new ConcurrentHashMap<>();

    /** What a viewer brought: each may be null. */
    public record Viewer(String jwt, String origin) {
    }

    /**
     * What a viewer was let in with: the query string that child URLs of a playlist must carry (null for public
     * assets) and the origin to answer CORS with.
     */
    public record Grant(String query, String allowOrigin) {
        static final Grant OPEN = new Grant(null, "*");

        public boolean carried() {
            return query != null;
        }

        /** Whether a shared cache may keep the answer: only what anyone may fetch. */
        public boolean shareable() {
            return query == null && allowOrigin.equals("*");
        }
    }

    public PlaybackGate(SigningKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** The grant for this viewer, or a 401/403 that says what is missing or wrong. */
    public Grant check(String playbackId, String userId, String projectId, JsonNode policy, Viewer viewer) {
        if (PlaybackPolicy.isOpen(policy)) {
            return Grant.OPEN;
        }
        String allowOrigin = origin(policy, viewer.origin());
        String type = policy.path("type").asText();
        if (type.equals(PlaybackPolicy.JWT)) {
            verify(playbackId, userId, projectId, viewer.jwt());
            return new Grant(JWT_PARAMETER + "=" + URLEncoder.encode(viewer.jwt(), StandardCharsets.UTF_8),
                    allowOrigin);
        }
        if (type.equals(PlaybackPolicy.PUBLIC)) {
            return new Grant(null, allowOrigin);
        }
        throw denied("playback_policy_unknown", "this video's playback policy '" + type + "' lets no one play it");
    }

    private void verify(String playbackId, String userId, String projectId, String jwt) {
        if (jwt == null || jwt.isBlank()) {
            throw new SpoolException(SpoolException.Kind.UNAUTHENTICATED, "playback_token_missing",
                    "this video needs a playback token: pass a JWT in the '" + JWT_PARAMETER
                            + "' query parameter or the " + JWT_HEADER + " header");
        }
        var token = verified.get(jwt);
        var key = token == null ? null : keys.byPublicKey(token.publicKey()).orElse(null);
        if (token == null) {
            token = PlaybackToken.parse(jwt).orElseThrow(() -> denied("playback_token_malformed",
                    "the playback token is not an ES256 JWT"));
            if (token.publicKey() == null) {
                throw denied("playback_token_malformed", "the playback token has no 'pub' claim naming its "
                        + "signing key");
            }
            key = keys.byPublicKey(token.publicKey()).orElse(null);
            if (key != null && !token.signedBy(key.publicKey())) {
                throw denied("playback_token_signature", "the playback token's signature is invalid");
            }
            if (key != null) {
                if (verified.size() >= REMEMBERED_TOKENS) {
                    verified.clear();
                }
                verified.put(jwt, token);
            }
        }
        if (key == null || !key.userId().equals(userId) || !key.projectId().equals(projectId)) {
            throw denied("playback_token_key_unknown", "the playback token is signed with a key that is not one "
                    + "of this video's owner's signing keys");
        }
        if (key.disabled()) {
            throw denied("playback_token_key_disabled", "the playback token's signing key " + key.id()
                    + " is disabled");
        }
        if (!playbackId.equals(token.subject())) {
            throw denied("playback_token_other_video", "the playback token is for another video ('sub' is '"
                    + token.subject() + "', this is " + playbackId + ")");
        }
        if (token.action() != null && !token.action().equals("pull")) {
            throw denied("playback_token_action", "the playback token's action is '" + token.action()
                    + "'; playing needs 'pull'");
        }
        if (token.expiresAt() == null) {
            throw denied("playback_token_no_expiry", "the playback token has no 'exp' claim");
        }
        if (token.expiresAt() * 1000 <= clock.millis()) {
            throw denied("playback_token_expired", "the playback token expired at "
                    + Instant.ofEpochSecond(token.expiresAt()));
        }
        keys.seen(key);
    }

    private static String origin(JsonNode policy, String origin) {
        JsonNode allowed = policy.get("allowedOrigins");
        if (allowed == null || origin == null) {
            return "*";
        }
        for (JsonNode item : allowed) {
            if (item.asText().equals("*") || item.asText().equalsIgnoreCase(origin)) {
                return origin;
            }
        }
        throw denied("playback_origin", "origin " + origin + " may not play this video");
    }

    private static SpoolException denied(String code, String message) {
        return new SpoolException(SpoolException.Kind.FORBIDDEN, code, message);
    }
}
