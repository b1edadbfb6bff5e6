package dev.spool.api;

import dev.spool.error.SpoolException;
import io.javalin.http.Context;

/** Reads a JSON request body after checking that it is one: 415 for another content type, 422 for an empty body. */
final class JsonBody {
    private JsonBody() {
    }

    static <T> T read(Context ctx, Class<T> type) {
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            throw new SpoolException(SpoolException.Kind.UNSUPPORTED_MEDIA, "unsupported_media_type",
                    "send the body as JSON with 'Content-Type: application/json'");
        }
        String body = ctx.body();
        if (body.isBlank()) {
            throw SpoolException.invalid("body", "is empty; a JSON object is required");
        }
        T value = ctx.jsonMapper().fromJsonString(body, type);
        if (value == null) {
            throw SpoolException.invalid("body", "is null; a JSON object is required");
        }
        return value;
    }
}
