package dev.spool.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.error.SpoolException;
import dev.spool.json.Json;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Set;

/**
 * Reads a JSON request body after checking that it is one: 415 for another content type, 422 for an empty body, a
 * body of {@code null}, or an explicit {@code null} anywhere the schema has none.
 */
final class JsonBody {
    private JsonBody() {}

    static <T> T read(Context ctx, Class<T> type) {
        return read(ctx, type, Set.of());
    }

    /**
     * As {@link #read(Context, Class)}; {@code nullable} names the fields (dotted paths) where the schema allows
     * {@code null}, and a path ending in {@code .*} a free-form object whose content is the client's own.
     */
    static <T> T read(Context ctx, Class<T> type, Set<String> nullable) {
        String contentType = ctx.contentType();
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim();
        if (!mediaType.equalsIgnoreCase("application/json")) {
            throw new SpoolException(
                    SpoolException.Kind.UNSUPPORTED_MEDIA,
                    "unsupported_media_type",
                    "send the body as JSON with 'Content-Type: application/json'");
        }
        String body = ctx.body();
        if (body.isBlank()) {
            throw SpoolException.invalid("body", "is empty; a JSON object is required");
        }
        JsonNode tree;
        try {
            tree = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new JacksonJsonMapper.BodyException(e);
        }
        if (tree == null || tree.isNull()) {
            throw SpoolException.invalid("body", "is null; a JSON object is required");
        }
        refuseNulls(tree, "", nullable);
        return ctx.jsonMapper().fromJsonString(body, type);
    }

    private static void refuseNulls(JsonNode node, String path, Set<String> nullable) {
        if (nullable.contains(path + ".*")) {
            return;
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                check(field.getValue(), child, nullable);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                check(node.get(i), path + "[" + i + "]", nullable);
            }
        }
    }

    private static void check(JsonNode value, String path, Set<String> nullable) {
        if (value.isNull() && !nullable.contains(path)) {
            throw SpoolException.invalid(path, "must not be null");
        }
        refuseNulls(value, path, nullable);
    }
}
