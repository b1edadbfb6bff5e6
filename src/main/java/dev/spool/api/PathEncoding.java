package dev.spool.api;

import dev.spool.error.SpoolException;
import io.javalin.http.Context;
import java.util.regex.Pattern;

/**
 * Refuses a request path or query whose percent-encoding is broken ({@code %u0041}, {@code %zz}) with 400 before
 * any route decodes it (a query parameter decoded leniently would be read as something the client never sent). A route behind an API key authenticates first, so a caller without one still learns that it needs one.
 */
final class PathEncoding {
    private static final Pattern BROKEN = Pattern.compile("%(?![0-9A-Fa-f]{2})");

    private final Authentication auth;

    PathEncoding(Authentication auth) {
        this.auth = auth;
    }

    void check(Context ctx) {
        String path = ctx.req().getRequestURI();
        String query = ctx.req().getQueryString();
        boolean brokenPath = path != null && BROKEN.matcher(path).find();
        boolean brokenQuery = query != null && BROKEN.matcher(query).find();
        if (!brokenPath && !brokenQuery) {
            return;
        }
        if (path != null && path.startsWith("/api/") && !path.startsWith("/api/asset/upload/")) {
            auth.require(ctx);
        }
        String part = brokenPath ? "path" : "query";
        String raw = brokenPath ? path : query;
        throw SpoolException.badRequest(
                "bad_" + part,
                part + ": '" + raw.substring(0, Math.min(raw.length(), 200))
                        + "' is not valid percent-encoding (every % must start a %XX escape of two hex digits)");
    }
}
