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

/** {@code /api/docs}: Swagger UI over Spool's own document, every file of it served by Spool itself. */
class ApiDocsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern REFERENCE = Pattern.compile("(?:href|src)=\"([^\"]+)\"");
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
    void givenNoKey_whenTheDocsPageIsOpened_thenEveryFileItNeedsComesFromSpoolAndPointsAtItsOwnDocument()
            throws Exception {
        var page = get("/api/docs");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        var references =
                REFERENCE.matcher(page.body()).results().map(m -> m.group(1)).toList();
        assertThat(references).hasSizeGreaterThanOrEqualTo(4).allMatch(ref -> ref.startsWith("/api/docs/"));
        for (String reference : references) {
            var asset = get(reference);
            assertThat(asset.statusCode()).as(reference).isEqualTo(200);
            assertThat(asset.body()).as(reference).isNotEmpty();
            String type = asset.headers().firstValue("Content-Type").orElseThrow();
            if (reference.endsWith(".js")) {
                assertThat(type).startsWith("text/javascript");
            } else if (reference.endsWith(".css")) {
                assertThat(type).startsWith("text/css");
            }
        }
        assertThat(get("/api/docs/spool-docs.js").body()).contains("url: \"/api/openapi.yaml\"");
        assertThat(get("/api/docs/swagger-ui-bundle.js").body()).contains("SwaggerUIBundle");
        assertThat(get("/api/openapi.yaml").statusCode()).isEqualTo(200);
    }

    @Test
    void givenAFileThatIsNotPartOfTheDocs_whenAsked_thenNotFound() throws Exception {
        assertThat(get("/api/docs/pom.properties").statusCode()).isEqualTo(404);
        assertThat(get("/api/docs/..%2F..%2Fopenapi.yaml").statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
