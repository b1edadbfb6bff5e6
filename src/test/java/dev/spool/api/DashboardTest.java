package dev.spool.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /}: the dashboard's files come from the jar, typed, cached and under a strict policy. */
class DashboardTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern REFERENCE = Pattern.compile("(?:href|src)=\"(/[^\"]+)\"");
    private static final Pattern IMPORT = Pattern.compile("from '\\./([a-z-]+\\.js)'");
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Store.SQLITE);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void givenTheRoot_thenThePageAndEveryFileItLoadsAreServedWithTheirTypesAndNoInlineScript() throws Exception {
        var page = get("/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(policy).contains("default-src 'self'", "script-src 'self';").doesNotContain("unsafe");
        assertThat(page.body()).doesNotContainPattern("<script(?![^>]*\\ssrc=)");
        var references =
                REFERENCE.matcher(page.body()).results().map(m -> m.group(1)).toList();
        assertThat(references).contains("/ui/app.js", "/ui/app.css").anyMatch(r -> r.startsWith("/ui/vendor/hls-"));
        for (String reference : references) {
            var file = get(reference);
            assertThat(file.statusCode()).as(reference).isEqualTo(200);
            String type = file.headers().firstValue("Content-Type").orElseThrow();
            assertThat(type)
                    .as(reference)
                    .startsWith(
                            reference.endsWith(".js")
                                    ? "text/javascript"
                                    : reference.endsWith(".css") ? "text/css" : "image/svg+xml");
        }
        assertThat(get(references.stream()
                                .filter(r -> r.startsWith("/ui/vendor/"))
                                .findFirst()
                                .orElseThrow())
                        .headers()
                        .firstValue("Cache-Control")
                        .orElseThrow())
                .contains("immutable");
    }

    @Test
    void givenTheAppModule_thenEveryModuleItImportsIsServed() throws Exception {
        var app = get("/ui/app.js").body();
        var modules = IMPORT.matcher(app).results().map(m -> m.group(1)).toList();

        assertThat(modules).contains("api.js", "assets.js", "tasks.js");
        for (String module : modules) {
            assertThat(get("/ui/" + module).statusCode()).as(module).isEqualTo(200);
        }
    }

    @Test
    void givenAnUnchangedFile_whenAskedWithItsEtag_thenNotModified() throws Exception {
        String etag = get("/ui/app.css").headers().firstValue("ETag").orElseThrow();

        var again = HTTP.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/ui/app.css"))
                        .header("If-None-Match", etag)
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(again.statusCode()).isEqualTo(304);
    }

    @Test
    void givenTheDashboard_thenTheApiAndHealthRoutesAreUntouchedAndOtherFilesAreNotFound() throws Exception {
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        assertThat(get("/api/asset").statusCode()).isEqualTo(401);
        assertThat(get("/ui/index.html").statusCode()).isEqualTo(404);
        assertThat(get("/ui/..%2F..%2Fopenapi.yaml").statusCode()).isEqualTo(404);
        assertThat(get("/ui/vendor/hls.js").statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
