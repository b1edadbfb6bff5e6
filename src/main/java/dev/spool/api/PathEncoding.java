package dev.spool.api;

import dev.spool.error.SpoolException;
import io.javalin.http.Context;

import java.util.regex.Pattern;

/**
 * Refuses a request path whose percent-encoding is broken ({@code %u0041}, {@code %zz}) with 400 before any route
 * decodes it. A route behind an API key authenticates first, so a caller without one still learns that it needs one.
 */
final class PathEncoding {
    private static final Pattern BROKEN = Pattern.compile("%(?![0-9A-Fa-f]{2})");

    private final Authentication auth;

    PathEncoding(Authentication auth) {
        this.auth = auth;
    }

    void check(Context ctx) {
        String raw = ctx.req().getRequestURI();
        if (raw == null || !BROKEN.matcher(raw).find()) {
            return;
        }
        if (raw.startsWith("/api/") && !raw.startsWith("/api/asset/upload/")) {
            auth.require(ctx);
        }
        throw SpoolException.badRequest("bad_path", "path: '" + raw.substring(0, Math.min(raw.length(), 200))
                + "' is not valid percent-encoding (every % must start a %XX escape of two hex digits)");
    }
}
