package dev.spool.api;

import dev.spool.error.SpoolException;
import dev.spool.upload.UploadStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Upload endpoints, authorised by the token from request-upload rather than an API key: a direct {@code PUT}, and
 * tus 1.0 (core + creation) at {@code /api/asset/upload/tus}. Bodies are streamed, never buffered.
 */
final class UploadRoutes {
    private static final String TUS_VERSION = "1.0.0";

    private final UploadStore uploads;
    private final String publicUrl;

    UploadRoutes(UploadStore uploads, String publicUrl) {
        this.uploads = uploads;
        this.publicUrl = publicUrl;
    }

    void register(RoutesConfig routes) {
        routes.put("/api/asset/upload/direct", this::direct);
        routes.options("/api/asset/upload/direct", this::preflight);
        routes.options("/api/asset/upload/tus", this::preflight);
        routes.options("/api/asset/upload/tus/{id}", this::preflight);
        routes.post("/api/asset/upload/tus", this::create);
        routes.head("/api/asset/upload/tus/{id}", this::head);
        routes.patch("/api/asset/upload/tus/{id}", this::patch);
    }

    private static final long REFUSAL_DRAIN_BYTES = 64L * 1024 * 1024;

    private void direct(Context ctx) throws IOException {
        cors(ctx);
        UploadStore.Upload upload;
        try {
            upload = uploads.byToken(ctx.queryParam("token"));
        } catch (SpoolException refused) {
            // Clients send the whole body before they read the answer: taking in a bounded amount of it lets the
            // refusal reach them as an answer, not as a connection reset while they are still sending.
            drain(
                    ctx.req().getInputStream(),
                    Math.min(REFUSAL_DRAIN_BYTES, ctx.req().getContentLengthLong()));
            throw refused;
        }
        long length = ctx.req().getContentLengthLong();
        uploads.putDirect(upload, ctx.req().getInputStream(), length);
        ctx.status(200);
    }

    private static void drain(InputStream body, long bytes) {
        byte[] buffer = new byte[64 * 1024];
        try {
            for (long left = bytes; left > 0; ) {
                int read = body.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (read < 0) {
                    return;
                }
                left -= read;
            }
        } catch (IOException e) {
            // The client went away; the refusal is all that is left to send.
        }
    }

    private void preflight(Context ctx) {
        cors(ctx);
        ctx.header("Tus-Version", TUS_VERSION);
        ctx.header("Tus-Extension", "creation");
        ctx.header("Tus-Max-Size", Long.toString(uploads.maxBytes()));
        ctx.status(204);
    }

    private void create(Context ctx) {
        cors(ctx);
        requireTusVersion(ctx);
        var upload = uploads.byToken(ctx.queryParam("token"));
        String length = ctx.header("Upload-Length");
        if (length == null) {
            throw SpoolException.badRequest(
                    "no_length", "Upload-Length is required (deferred lengths are not supported)");
        }
        long declared;
        try {
            declared = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            throw SpoolException.badRequest("bad_length", "Upload-Length must be a whole number of bytes");
        }
        metadata(ctx.header("Upload-Metadata"));
        var created = uploads.declare(upload, declared);
        ctx.header("Location", publicUrl + "/api/asset/upload/tus/" + created.id());
        ctx.header("Upload-Offset", Long.toString(uploads.offset(created)));
        ctx.status(201);
    }

    private void head(Context ctx) {
        cors(ctx);
        var upload = uploads.byId(ctx.pathParam("id"));
        ctx.header("Cache-Control", "no-store");
        ctx.header("Upload-Offset", Long.toString(uploads.offset(upload)));
        if (upload.length() != null) {
            ctx.header("Upload-Length", Long.toString(upload.length()));
        }
        ctx.status(200);
    }

    private void patch(Context ctx) throws IOException {
        cors(ctx);
        requireTusVersion(ctx);
        String type = ctx.contentType();
        if (type == null || !type.startsWith("application/offset+octet-stream")) {
            throw new SpoolException(
                    SpoolException.Kind.UNSUPPORTED_MEDIA,
                    "unsupported_media_type",
                    "tus PATCH bodies must be sent as application/offset+octet-stream");
        }
        String offsetHeader = ctx.header("Upload-Offset");
        if (offsetHeader == null) {
            throw SpoolException.badRequest("no_offset", "Upload-Offset is required");
        }
        long offset;
        try {
            offset = Long.parseLong(offsetHeader.trim());
        } catch (NumberFormatException e) {
            throw SpoolException.badRequest("bad_offset", "Upload-Offset must be a whole number of bytes");
        }
        long now = uploads.append(
                ctx.pathParam("id"),
                offset,
                ctx.req().getInputStream(),
                ctx.req().getContentLengthLong());
        ctx.header("Upload-Offset", Long.toString(now));
        ctx.status(204);
    }

    private static void requireTusVersion(Context ctx) {
        if (!TUS_VERSION.equals(ctx.header("Tus-Resumable"))) {
            ctx.header("Tus-Version", TUS_VERSION);
            throw new SpoolException(
                    SpoolException.Kind.PRECONDITION_FAILED,
                    "tus_version",
                    "this server speaks tus " + TUS_VERSION + "; send 'Tus-Resumable: " + TUS_VERSION + "'");
        }
    }

    /** Client metadata (filename, filetype) is checked for form only: Spool probes the bytes themselves. */
    private static Map<String, String> metadata(String header) {
        var values = new LinkedHashMap<String, String>();
        if (header == null || header.isBlank()) {
            return values;
        }
        for (String pair : header.split(",")) {
            String[] parts = pair.trim().split(" ", 2);
            try {
                values.put(
                        parts[0],
                        parts.length > 1
                                ? new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                                : "");
            } catch (IllegalArgumentException e) {
                throw SpoolException.badRequest(
                        "bad_metadata", "Upload-Metadata: the value of '" + parts[0] + "' is not base64");
            }
        }
        return values;
    }

    private static void cors(Context ctx) {
        ctx.header("Tus-Resumable", TUS_VERSION);
        ctx.header("Access-Control-Allow-Origin", "*");
        ctx.header("Access-Control-Allow-Methods", "POST, HEAD, PATCH, PUT, OPTIONS");
        ctx.header(
                "Access-Control-Allow-Headers",
                "Content-Type, Upload-Length, Upload-Offset, Upload-Metadata, "
                        + "Tus-Resumable, X-HTTP-Method-Override");
        ctx.header(
                "Access-Control-Expose-Headers",
                "Location, Upload-Offset, Upload-Length, Tus-Resumable, " + "Tus-Version, Tus-Extension, Tus-Max-Size");
    }
}
