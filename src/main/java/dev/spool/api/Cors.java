package dev.spool.api;

import io.javalin.http.Context;

/** Players on any origin read playback info and media files, so those answer with permissive CORS headers. */
final class Cors {
    private Cors() {}

    static void allowAnyOrigin(Context ctx) {
        ctx.header("Access-Control-Allow-Origin", "*");
        ctx.header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
        ctx.header("Access-Control-Allow-Headers", "Range, If-None-Match, If-Modified-Since, Content-Type");
        ctx.header("Access-Control-Expose-Headers", "Content-Length, Content-Range, ETag, Accept-Ranges");
        ctx.header("Access-Control-Max-Age", "86400");
    }
}
