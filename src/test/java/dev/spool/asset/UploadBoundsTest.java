package dev.spool.asset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.ApiClient;
import dev.spool.testing.RawHttp;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Uploads whose bodies do not match what they announced: shorter than Content-Length, longer than Upload-Length. */
class UploadBoundsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static TestServer server;
    static ApiClient alice;

    @BeforeAll
    static void start() {
        server = TestServer.start(Store.SQLITE);
        alice = server.client(server.createUserKey("alice@example.com").key());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void givenADirectUploadThatEndsBeforeItsContentLength_whenTheClientStopsSending_thenA4xxAndNothingIsKept() {
        var requested =
                alice.post("/api/asset/request-upload", Map.of("name", "short")).json();
        var url = URI.create(requested.path("url").asText());
        String playbackId = requested.path("asset").path("playbackId").asText();

        var answer = new RawHttp(server.baseUrl())
                .send(
                        "PUT " + url.getRawPath() + "?" + url.getRawQuery() + " HTTP/1.1",
                        Map.of("Content-Length", "1000", "Content-Type", "application/octet-stream"),
                        new byte[10],
                        true);

        assertThat(answer.status()).as(answer.text()).isBetween(400, 499);
        assertThat(answer.text()).contains("errors");
        assertThat(alice.get("/asset/" + playbackId + "/video").status()).isEqualTo(404);
        assertThat(alice.get("/api/asset/" + requested.path("asset").path("id").asText())
                        .json()
                        .path("status")
                        .path("phase")
                        .asText())
                .isEqualTo("uploading");
    }

    @Test
    void givenATusUploadOf100Bytes_whenAPatchSends250_thenItIsRefusedWith413AndNothingIsWritten() throws Exception {
        String upload = tusUploadOf100Bytes("too long").toString();

        var patched = HTTP.send(
                HttpRequest.newBuilder(URI.create(upload))
                        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(new byte[250]))
                        .header("Tus-Resumable", "1.0.0")
                        .header("Upload-Offset", "0")
                        .header("Content-Type", "application/offset+octet-stream")
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(413);
        var head = HTTP.send(
                HttpRequest.newBuilder(URI.create(upload))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .header("Tus-Resumable", "1.0.0")
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(head.headers().firstValue("Upload-Offset")).contains("0");
    }

    @Test
    void givenATusUploadHalfDone_whenAChunkedPatchRunsPastTheLength_thenItIsRefusedAndTheOffsetStays()
            throws Exception {
        var upload = tusUploadOf100Bytes("chunked");
        String chunked = "32\r\n" + "x".repeat(50) + "\r\n" + "64\r\n" + "y".repeat(100) + "\r\n0\r\n\r\n";

        var answer = new RawHttp(server.baseUrl())
                .send(
                        "PATCH " + upload.getRawPath() + " HTTP/1.1",
                        Map.of(
                                "Tus-Resumable",
                                "1.0.0",
                                "Upload-Offset",
                                "0",
                                "Transfer-Encoding",
                                "chunked",
                                "Content-Type",
                                "application/offset+octet-stream",
                                "Connection",
                                "close"),
                        chunked.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                        false);

        assertThat(answer.status()).as(answer.text()).isEqualTo(413);
        var head = HTTP.send(
                HttpRequest.newBuilder(upload)
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .header("Tus-Resumable", "1.0.0")
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(head.headers().firstValue("Upload-Offset")).contains("0");
    }

    private static URI tusUploadOf100Bytes(String name) throws Exception {
        var requested =
                alice.post("/api/asset/request-upload", Map.of("name", name)).json();
        var created = HTTP.send(
                HttpRequest.newBuilder(URI.create(requested.path("tusEndpoint").asText()))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .header("Tus-Resumable", "1.0.0")
                        .header("Upload-Length", "100")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return URI.create(created.headers().firstValue("Location").orElseThrow());
    }
}
