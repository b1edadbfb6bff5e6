package dev.spool.access;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.error.SpoolException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who may play an asset, as Livepeer's playback-policy: {@code public}, {@code jwt} (a token signed by one of the
 * owner's keys) or {@code webhook} (the owner's webhook decides), optionally only from some web origins.
 */
public record PlaybackPolicy(
        String type, String webhookId, JsonNode webhookContext, Double refreshInterval, List<String> allowedOrigins) {
    public static final String PUBLIC = "public";
    public static final String JWT = "jwt";
    public static final String WEBHOOK = "webhook";
    private static final Set<String> FIELDS =
            Set.of("type", "webhookId", "webhookContext", "refreshInterval", "allowedOrigins");

    /** Whether anyone may play: no policy, or a public one that limits no origin. */
    public static boolean isOpen(JsonNode policy) {
        return policy == null
                || policy.isNull()
                || (PUBLIC.equals(policy.path("type").asText()) && !policy.has("allowedOrigins"));
    }

    /** Whether a viewer must prove something: any type but public. */
    public static boolean isPrivate(JsonNode policy) {
        return policy != null
                && !policy.isNull()
                && !PUBLIC.equals(policy.path("type").asText());
    }

    /** The policy in a request, checked field by field; null for none. */
    public static PlaybackPolicy parse(JsonNode policy) {
        if (policy == null || policy.isNull()) {
            return null;
        }
        if (!policy.isObject()) {
            throw SpoolException.invalid("playbackPolicy", "must be an object with a type");
        }
        policy.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                throw SpoolException.invalid(
                        "playbackPolicy." + name,
                        "unknown field (allowed: "
                                + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
            }
        });
        String type = policy.path("type").asText("");
        if (!type.equals(PUBLIC) && !type.equals(JWT) && !type.equals(WEBHOOK)) {
            throw SpoolException.invalid(
                    "playbackPolicy.type",
                    "must be 'public', 'jwt' or 'webhook', got '"
                            + policy.path("type").asText() + "'");
        }
        JsonNode webhookId = policy.get("webhookId");
        if (type.equals(WEBHOOK)
                && (webhookId == null
                        || !webhookId.isTextual()
                        || webhookId.asText().isBlank())) {
            throw SpoolException.invalid(
                    "playbackPolicy.webhookId",
                    "is required for a webhook policy: the id of " + "the webhook that decides who may play");
        }
        if (!type.equals(WEBHOOK) && (webhookId != null || policy.has("webhookContext"))) {
            throw SpoolException.invalid("playbackPolicy.webhookId", "is only for a webhook policy");
        }
        JsonNode context = policy.get("webhookContext");
        if (context != null && !context.isObject()) {
            throw SpoolException.invalid("playbackPolicy.webhookContext", "must be an object");
        }
        JsonNode refresh = policy.get("refreshInterval");
        if (refresh != null && (!refresh.isNumber() || refresh.asDouble() <= 0)) {
            throw SpoolException.invalid("playbackPolicy.refreshInterval", "must be a positive number of seconds");
        }
        return new PlaybackPolicy(
                type,
                webhookId == null ? null : webhookId.asText(),
                context,
                refresh == null ? null : refresh.asDouble(),
                origins(policy.get("allowedOrigins")));
    }

    private static List<String> origins(JsonNode origins) {
        if (origins == null) {
            return null;
        }
        if (!origins.isArray()) {
            throw SpoolException.invalid("playbackPolicy.allowedOrigins", "must be a list of origins");
        }
        var list = new ArrayList<String>();
        for (int i = 0; i < origins.size(); i++) {
            String origin = origins.get(i).asText("");
            if (!origins.get(i).isTextual() || !(origin.equals("*") || isOrigin(origin))) {
                throw SpoolException.invalid(
                        "playbackPolicy.allowedOrigins[" + i + "]",
                        "'" + origin + "' must be " + "\"*\" or scheme://host[:port] with no path");
            }
            list.add(origin);
        }
        return List.copyOf(list);
    }

    private static boolean isOrigin(String origin) {
        try {
            var uri = new URI(origin);
            return uri.getScheme() != null
                    && uri.getHost() != null
                    && (uri.getPath() == null || uri.getPath().isEmpty())
                    && uri.getQuery() == null
                    && uri.getFragment() == null
                    && uri.getUserInfo() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
