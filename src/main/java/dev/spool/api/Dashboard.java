package dev.spool.api;

import dev.spool.crypto.Tokens;
import dev.spool.error.SpoolException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web dashboard: {@code /} is its page, {@code /ui/...} its modules and styles, {@code /ui/vendor/...} the
 * libraries it uses, taken from their webjars. Everything comes from the jar; the page talks only to Spool's own
 * public API, under a Content-Security-Policy that allows no inline script and no other site.
 */
final class Dashboard {
    private static final String ROOT = "/dev/spool/dashboard/";
    private static final Pattern FILE = Pattern.compile("[a-z][a-z0-9-]*\\.(js|css|svg)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");
    private static final String HLS_VERSION = webjarVersion("hls.js");
    private static final Map<String, String> VENDOR = Map.of(
            "hls-" + HLS_VERSION + ".min.js", "/META-INF/resources/webjars/hls.js/" + HLS_VERSION + "/dist/hls.min.js");

    private record File(String contentType, byte[] bytes, String etag) {}

    // Only files found are kept: a name asked for and missing costs a class-path lookup, never memory.
    private final Map<String, File> files = new ConcurrentHashMap<>();
    private final String policy;

    private Dashboard(String publicUrl) {
        String api = origin(publicUrl);
        // hls.js feeds the video element through MediaSource blob: URLs; media and the API may sit at the
        // public URL when a proxy gives Spool another name than the one the browser used.
        this.policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: " + api
                + "; media-src 'self' blob: " + api + "; connect-src 'self' " + api
                + "; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'"
                + "; frame-ancestors 'none'";
    }

    static void register(RoutesConfig routes, String publicUrl) {
        var dashboard = new Dashboard(publicUrl);
        routes.get("/", ctx -> dashboard.serve(ctx, dashboard.page(), "no-cache"));
        routes.get("/ui/{file}", ctx -> dashboard.serve(ctx, dashboard.file(ctx.pathParam("file")), "no-cache"));
        routes.get(
                "/ui/vendor/{file}",
                ctx -> dashboard.serve(
                        ctx, dashboard.vendor(ctx.pathParam("file")), "public, max-age=31536000, immutable"));
    }

    /** The hls.js file name the page loads; versioned so a new webjar is a new URL. */
    static String hlsFile() {
        return "hls-" + HLS_VERSION + ".min.js";
    }

    private File page() {
        return files.computeIfAbsent(
                "index.html",
                name -> load(
                        "html",
                        new String(resource(ROOT + name).orElseThrow(), StandardCharsets.UTF_8)
                                .replace("{{hls}}", hlsFile())
                                .getBytes(StandardCharsets.UTF_8)));
    }

    private Optional<File> file(String name) {
        if (!FILE.matcher(name).matches()) {
            return Optional.empty();
        }
        return cached(name, ROOT + name, name.substring(name.lastIndexOf('.') + 1));
    }

    private Optional<File> vendor(String name) {
        String path = VENDOR.get(name);
        return path == null ? Optional.empty() : cached("vendor/" + name, path, "js");
    }

    private Optional<File> cached(String key, String path, String extension) {
        var known = files.get(key);
        if (known != null) {
            return Optional.of(known);
        }
        var found = resource(path).map(bytes -> load(extension, bytes));
        found.ifPresent(file -> files.put(key, file));
        return found;
    }

    private void serve(Context ctx, File file, String cacheControl) {
        serve(ctx, Optional.of(file), cacheControl);
    }

    private void serve(Context ctx, Optional<File> found, String cacheControl) {
        var file = found.orElseThrow(SpoolException::notFound);
        ctx.header("Content-Security-Policy", policy);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", cacheControl);
        ctx.header("ETag", file.etag());
        if (file.etag().equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.contentType(file.contentType()).result(file.bytes());
    }

    private static File load(String extension, byte[] bytes) {
        return new File(
                TYPES.get(extension), bytes, "\"" + Tokens.sha256Hex(bytes).substring(0, 32) + "\"");
    }

    private static String origin(String url) {
        var uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private static String webjarVersion(String artifact) {
        String path = "/META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
        var properties = new Properties();
        try (InputStream in = Dashboard.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the " + artifact + " webjar is missing from the jar");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }

    private static Optional<byte[]> resource(String path) {
        try (InputStream in = Dashboard.class.getResourceAsStream(path)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
