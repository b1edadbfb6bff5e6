package dev.spool.api;

import dev.spool.error.SpoolException;
import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * {@code /api/docs}: Swagger UI over {@code /api/openapi.yaml}, every file served from the jar (the swagger-ui
 * webjar and Spool's own page), so the docs work without reaching any other site.
 */
final class ApiDocs {
    private static final String WEBJAR = "/META-INF/resources/webjars/swagger-ui/";
    private static final String WEBJAR_VERSION = "/META-INF/maven/org.webjars/swagger-ui/pom.properties";
    private static final Map<String, String> WEBJAR_FILES = Map.of(
            "swagger-ui.css", "text/css; charset=utf-8",
            "index.css", "text/css; charset=utf-8",
            "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
            "swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8",
            "favicon-32x32.png", "image/png",
            "favicon-16x16.png", "image/png");

    private record Asset(String contentType, byte[] bytes) {}

    private ApiDocs() {}

    static void register(RoutesConfig routes) {
        var assets = load();
        var page = new Asset("text/html; charset=utf-8", resource("/docs/index.html"));
        routes.get("/api/docs", ctx -> ctx.contentType(page.contentType()).result(page.bytes()));
        routes.get("/api/docs/{file}", ctx -> {
            var asset = assets.get(ctx.pathParam("file"));
            if (asset == null) {
                throw SpoolException.notFound();
            }
            ctx.header("Cache-Control", "public, max-age=86400");
            ctx.contentType(asset.contentType()).result(asset.bytes());
        });
    }

    private static Map<String, Asset> load() {
        String root = WEBJAR + webjarVersion() + "/";
        var assets = new HashMap<String, Asset>();
        WEBJAR_FILES.forEach((name, type) -> assets.put(name, new Asset(type, resource(root + name))));
        assets.put("spool-docs.js", new Asset("text/javascript; charset=utf-8", resource("/docs/spool-docs.js")));
        return Map.copyOf(assets);
    }

    private static String webjarVersion() {
        var properties = new Properties();
        try (InputStream in = ApiDocs.class.getResourceAsStream(WEBJAR_VERSION)) {
            if (in == null) {
                throw new IllegalStateException("the swagger-ui webjar is missing from the jar");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }

    private static byte[] resource(String path) {
        try (InputStream in = ApiDocs.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
