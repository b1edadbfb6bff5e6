package dev.spool.access;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.error.SpoolException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a viewer may have one of an asset's files, from the asset's playback policy and what the viewer
 * brought: a JWT signed by one of the owner's enabled keys, or an access key the owner's webhook accepts, from an
 * allowed origin. Public assets cost nothing here. A token's signature is checked once and remembered; the key's
 * state is re-read every few seconds, so a disabled or deleted key stops working everywhere within that time.
 */
public final class PlaybackGate {
    public static final String JWT_PARAMETER = "jwt";
    public static final String JWT_HEADER = "Livepeer-Jwt";
    public static final String ACCESS_KEY_PARAMETER = "accessKey";
    public static final String ACCESS_KEY_HEADER = "Livepeer-Access-Key";
    private static final int REMEMBERED = 10_000;
    /** How long a webhook's yes is trusted when the policy sets no refreshInterval, and its no always. */
    private static final Duration ALLOWED_FOR = Duration.ofSeconds(60);

    private static final Duration DENIED_FOR = Duration.ofSeconds(5);

    private final SigningKeys keys;
    private final PlaybackWebhook webhooks;
    private final Clock clock;
    private final ConcurrentHashMap<String, PlaybackToken> verified = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Decision> decided = new ConcurrentHashMap<>();

    /** What a viewer brought: each may be null. */
    public record Viewer(String jwt, String accessKey, String origin) {}

    private record Decision(boolean allowed, long until) {}

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

    public PlaybackGate(SigningKeys keys, PlaybackWebhook webhooks, Clock clock) {
        this.keys = keys;
        this.webhooks = webhooks;
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
            return new Grant(
                    JWT_PARAMETER + "=" + URLEncoder.encode(viewer.jwt(), StandardCharsets.UTF_8), allowOrigin);
        }
        if (type.equals(PlaybackPolicy.WEBHOOK)) {
            ask(playbackId, userId, projectId, policy, viewer.accessKey());
            return new Grant(
                    ACCESS_KEY_PARAMETER + "=" + URLEncoder.encode(viewer.accessKey(), StandardCharsets.UTF_8),
                    allowOrigin);
        }
        if (type.equals(PlaybackPolicy.PUBLIC)) {
            return new Grant(null, allowOrigin);
        }
        throw denied("playback_policy_unknown", "this video's playback policy '" + type + "' lets no one play it");
    }

    private void verify(String playbackId, String userId, String projectId, String jwt) {
        if (jwt == null || jwt.isBlank()) {
            throw new SpoolException(
                    SpoolException.Kind.UNAUTHENTICATED,
                    "playback_token_missing",
                    "this video needs a playback token: pass a JWT in the '" + JWT_PARAMETER
                            + "' query parameter or the " + JWT_HEADER + " header");
        }
        var token = verified.get(jwt);
        var key = token == null ? null : keys.byPublicKey(token.publicKey()).orElse(null);
        if (token == null) {
            token = PlaybackToken.parse(jwt)
                    .orElseThrow(() -> denied("playback_token_malformed", "the playback token is not an ES256 JWT"));
            if (token.publicKey() == null) {
                throw denied(
                        "playback_token_malformed",
                        "the playback token has no 'pub' claim naming its " + "signing key");
            }
            key = keys.byPublicKey(token.publicKey()).orElse(null);
            if (key != null && !token.signedBy(key.publicKey())) {
                throw denied("playback_token_signature", "the playback token's signature is invalid");
            }
            if (key != null) {
                if (verified.size() >= REMEMBERED) {
                    verified.clear();
                }
                verified.put(jwt, token);
            }
        }
        if (key == null || !key.userId().equals(userId) || !key.projectId().equals(projectId)) {
            throw denied(
                    "playback_token_key_unknown",
                    "the playback token is signed with a key that is not one "
                            + "of this video's owner's signing keys");
        }
        if (key.disabled()) {
            throw denied(
                    "playback_token_key_disabled", "the playback token's signing key " + key.id() + " is disabled");
        }
        if (!playbackId.equals(token.subject())) {
            throw denied(
                    "playback_token_other_video",
                    "the playback token is for another video ('sub' is '" + token.subject() + "', this is " + playbackId
                            + ")");
        }
        if (token.action() != null && !token.action().equals("pull")) {
            throw denied(
                    "playback_token_action",
                    "the playback token's action is '" + token.action() + "'; playing needs 'pull'");
        }
        if (token.expiresAt() == null) {
            throw denied("playback_token_no_expiry", "the playback token has no 'exp' claim");
        }
        if (token.expiresAt() * 1000 <= clock.millis()) {
            throw denied(
                    "playback_token_expired",
                    "the playback token expired at " + Instant.ofEpochSecond(token.expiresAt()));
        }
        keys.seen(key);
    }

    /**
     * The owner's webhook decides; its yes is remembered for the policy's refreshInterval (else a minute) and its no
     * for a few seconds, per video, webhook, context and access key. No answer denies and is not remembered.
     */
    private void ask(String playbackId, String userId, String projectId, JsonNode policy, String accessKey) {
        if (accessKey == null || accessKey.isBlank()) {
            throw new SpoolException(
                    SpoolException.Kind.UNAUTHENTICATED,
                    "playback_access_key_missing",
                    "this video needs an access key: pass it in the '" + ACCESS_KEY_PARAMETER
                            + "' query parameter or the " + ACCESS_KEY_HEADER + " header");
        }
        String webhookId = policy.path("webhookId").asText();
        JsonNode context = policy.get("webhookContext");
        String remembered = playbackId + "\n" + webhookId + "\n" + context + "\n" + accessKey;
        long now = System.nanoTime();
        var decision = decided.get(remembered);
        if (decision == null || now - decision.until() >= 0) {
            PlaybackWebhook.Answer answer;
            try {
                answer = webhooks.ask(userId, projectId, webhookId, accessKey, context);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw denied("playback_webhook_unreachable", "the server is stopping");
            }
            if (answer.error() != null) {
                throw denied(
                        "playback_webhook_unreachable",
                        "this video's access webhook gave no answer, so " + "playback is refused: " + answer.error());
            }
            Duration remember = !answer.allowed()
                    ? DENIED_FOR
                    : policy.has("refreshInterval")
                            ? Duration.ofMillis(
                                    (long) (policy.path("refreshInterval").asDouble() * 1000))
                            : ALLOWED_FOR;
            if (decided.size() >= REMEMBERED) {
                decided.clear();
            }
            decision = new Decision(answer.allowed(), now + remember.toNanos());
            decided.put(remembered, decision);
        }
        if (!decision.allowed()) {
            throw denied("playback_webhook_denied", "this video's access webhook refused the access key");
        }
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
