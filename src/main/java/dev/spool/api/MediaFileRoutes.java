package dev.spool.api;

import dev.spool.access.GrantedPlaylist;
import dev.spool.access.PlaybackGate;
import dev.spool.asset.Asset;
import dev.spool.asset.AssetUrls;
import dev.spool.asset.PlaybackService;
import dev.spool.storage.ContentTypes;
import dev.spool.storage.ObjectInfo;
import dev.spool.storage.ObjectStore;
import dev.spool.storage.ResumingRead;
import dev.spool.storage.StorageException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code /asset/<playbackId>/<path>}: an asset's files straight from the object store, the way a browser player
 * needs them: byte ranges (206/416), ETags (304), content types, caching headers and CORS.
 */
final class MediaFileRoutes {
    private final ObjectStore store;
    private final PlaybackService playback;
    private final PlaybackGate gate;

    MediaFileRoutes(ObjectStore store, PlaybackService playback, PlaybackGate gate) {
        this.store = store;
        this.playback = playback;
        this.gate = gate;
    }

    void register(RoutesConfig routes) {
        routes.get("/asset/{playbackId}/<path>", ctx -> serve(ctx, true));
        routes.head("/asset/{playbackId}/<path>", ctx -> serve(ctx, false));
        routes.options("/asset/{playbackId}/<path>", ctx -> {
            Cors.allowAnyOrigin(ctx);
            ctx.status(204);
        });
    }

    private void serve(Context ctx, boolean withBody) throws IOException {
        Cors.allowAnyOrigin(ctx);
        // Media is compressed already, and Content-Length and ranges must count the stored bytes.
        ctx.disableCompression();
        String playbackId = ctx.pathParam("playbackId");
        String path = ctx.pathParam("path");
        var asset = playbackId.matches("[0-9a-z]{16}") ? playback.servable(playbackId) : Optional.<Asset>empty();
        if (asset.isEmpty()) {
            ErrorMapping.respond(ctx, io.javalin.http.HttpStatus.NOT_FOUND, "not found");
            return;
        }
        var grant = gate.check(
                playbackId,
                asset.get().userId(),
                asset.get().projectId(),
                asset.get().playbackPolicy(),
                new PlaybackGate.Viewer(
                        queryOrHeader(ctx, PlaybackGate.JWT_PARAMETER, PlaybackGate.JWT_HEADER),
                        queryOrHeader(ctx, PlaybackGate.ACCESS_KEY_PARAMETER, PlaybackGate.ACCESS_KEY_HEADER),
                        ctx.header("Origin")));
        ctx.header("Access-Control-Allow-Origin", grant.allowOrigin());
        String key = playbackId + "/" + path;
        Optional<ObjectInfo> found;
        try {
            found = store.head(key);
        } catch (StorageException e) {
            ErrorMapping.respond(ctx, io.javalin.http.HttpStatus.NOT_FOUND, "not found");
            return;
        }
        if (found.isEmpty()) {
            ErrorMapping.respond(ctx, io.javalin.http.HttpStatus.NOT_FOUND, "not found");
            return;
        }
        var info = found.get();
        String etag = "\"" + info.etag().replace("\"", "") + "\"";
        ctx.header("ETag", etag);
        ctx.header("Accept-Ranges", "bytes");
        ctx.header(
                "Cache-Control",
                (grant.shareable() ? "public" : "private")
                        + (path.endsWith(".m3u8") ? ", max-age=60" : ", max-age=86400"));
        ctx.contentType(contentType(info, key));
        if (grant.carried() && GrantedPlaylist.names(path)) {
            serveGranted(ctx, key, path, grant, withBody);
            return;
        }
        if (path.equals(AssetUrls.SOURCE_PATH)) {
            ctx.header("Content-Disposition", "attachment; filename=\"" + playbackId + "\"");
        }
        if (matches(ctx.header("If-None-Match"), etag)) {
            ctx.status(304);
            return;
        }
        long size = info.size();
        var range = RangeHeader.parse(ctx.header("Range"), size);
        if (range.kind() == RangeHeader.Kind.UNSATISFIABLE) {
            ctx.header("Content-Range", "bytes */" + size);
            ErrorMapping.respond(
                    ctx,
                    io.javalin.http.HttpStatus.RANGE_NOT_SATISFIABLE,
                    "range " + ctx.header("Range") + " cannot be served: the file has " + size + " bytes");
            return;
        }
        long start = 0;
        long length = size;
        if (range.kind() == RangeHeader.Kind.PART) {
            start = range.first();
            length = range.length();
            ctx.status(206);
            ctx.header("Content-Range", "bytes " + start + "-" + range.last() + "/" + size);
        }
        ctx.header("Content-Length", Long.toString(length));
        if (withBody && length > 0) {
            // a remote store's answer that breaks off is resumed, not passed on cut short
            ctx.result(ResumingRead.opened(store, key, start, length, ResumingRead.PAUSES));
        }
    }

    /**
     * A playlist whose child URLs carry the viewer's grant: rewritten per viewer, so answered whole, without the
     * stored file's ETag or ranges.
     */
    private void serveGranted(Context ctx, String key, String path, PlaybackGate.Grant grant, boolean withBody)
            throws IOException {
        String text;
        try (var in = store.get(key)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        byte[] body = GrantedPlaylist.rewrite(path, text, grant.query()).getBytes(StandardCharsets.UTF_8);
        ctx.res().setHeader("ETag", null);
        ctx.header("Accept-Ranges", "none");
        ctx.header("Content-Length", Integer.toString(body.length));
        if (withBody) {
            ctx.result(body);
        }
    }

    private static String queryOrHeader(Context ctx, String parameter, String header) {
        return Optional.ofNullable(ctx.queryParam(parameter)).orElse(ctx.header(header));
    }

    /** If-None-Match: {@code *} or a list of entity tags, weak or strong (RFC 9110 weak comparison). */
    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*") || (tag.startsWith("W/") ? tag.substring(2) : tag).equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static String contentType(ObjectInfo info, String key) {
        String type = info.contentType();
        return type == null || type.equals("application/octet-stream") ? ContentTypes.forKey(key) : type;
    }
}
