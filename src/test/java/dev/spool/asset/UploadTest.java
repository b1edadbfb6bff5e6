package dev.spool.asset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.media.SampleMedia;
import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import dev.spool.testing.BothStores;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import io.tus.java.client.TusClient;
import io.tus.java.client.TusURLMemoryStore;
import io.tus.java.client.TusUpload;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * Uploading an asset's file after {@code POST /api/asset/request-upload}: one direct PUT, or tus that resumes
 * after a dropped connection and after a server restart. Each ends with the asset ready, on both stores.
 */
@Tag("media")
@BothStores
class UploadTest {
    // Raw HTTP for the upload itself: direct PUTs and the tus protocol carry video bytes and tus headers, not JSON.
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration PROCESSING = Duration.ofSeconds(120);
    private static final Map<String, String> CONFIG = Map.of(
            "SPOOL_WORKERS", "1",
            "SPOOL_X264_PRESET", "ultrafast");

    @RegisterExtension
    static final SharedServers servers = new SharedServers(CONFIG);

    static Path video;
    static byte[] bytes;

    @Parameter
    Store store;

    @BeforeAll
    static void generateMedia(@TempDir Path dir) throws IOException {
        video = SampleMedia.mp4(dir, "upload.mp4", 4, "320x240");
        bytes = Files.readAllBytes(video);
    }

    @Test
    void givenARequestedUpload_whenTheFileIsPut_thenTheAssetWaitsThenBecomesReady() throws Exception {
        var server = servers.on(store);
        var alice = aliceOn(server);
        var requested =
                alice.post("/api/asset/request-upload", Map.of("name", "put")).json();
        assertThat(requested.path("asset").path("status").path("phase").asText())
                .isEqualTo("uploading");
        assertThat(alice.get("/api/task/" + requested.path("task").path("id").asText())
                        .json()
                        .path("status")
                        .path("phase")
                        .asText())
                .isEqualTo("pending");

        var put = HTTP.send(
                HttpRequest.newBuilder(URI.create(requested.path("url").asText()))
                        .PUT(HttpRequest.BodyPublishers.ofFile(video))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(put.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        assertReady(alice, requested);
        var again = HTTP.send(
                HttpRequest.newBuilder(URI.create(requested.path("url").asText()))
                        .PUT(HttpRequest.BodyPublishers.ofFile(video))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(422);
    }

    @Test
    void givenAnAssetWaitingForItsFile_whenDeleted_thenItsTaskIsCancelledAndTheUploadRefused() throws Exception {
        var server = servers.on(store);
        var alice = aliceOn(server);
        var requested = alice.post("/api/asset/request-upload", Map.of("name", "never uploaded"))
                .json();

        assertThat(alice.delete("/api/asset/"
                                + requested.path("asset").path("id").asText())
                        .status())
                .isEqualTo(204);

        var task = alice.get("/api/task/" + requested.path("task").path("id").asText())
                .json();
        assertThat(task.path("status").path("phase").asText()).isEqualTo("cancelled");
        var put = HTTP.send(
                HttpRequest.newBuilder(URI.create(requested.path("url").asText()))
                        .PUT(HttpRequest.BodyPublishers.ofFile(video))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(422);
        var tus = HTTP.send(
                HttpRequest.newBuilder(URI.create(requested.path("tusEndpoint").asText()))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .header("Tus-Resumable", "1.0.0")
                        .header("Upload-Length", Integer.toString(bytes.length))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(tus.statusCode()).isEqualTo(422);
    }

    @Test
    void givenATusUploadCutOffHalfway_whenResumedFromTheServersOffset_thenItCompletesAndTheAssetIsReady()
            throws Exception {
        var server = servers.on(store);
        var alice = aliceOn(server);
        var requested =
                alice.post("/api/asset/request-upload", Map.of("name", "tus")).json();
        String upload = createTusUpload(requested.path("tusEndpoint").asText(), bytes.length);
        int half = bytes.length / 2;

        patchAndDropTheConnection(upload, 0, half);
        long offset = Await.until(
                () -> offset(upload), o -> o == half, Duration.ofSeconds(10), "the server to hold the first half");
        var wrongOffset = patch(upload, 0, Arrays.copyOfRange(bytes, 0, 10));
        assertThat(wrongOffset.statusCode()).isEqualTo(409);
        var rest = patch(upload, offset, Arrays.copyOfRange(bytes, (int) offset, bytes.length));

        assertThat(rest.statusCode()).as(rest.body()).isEqualTo(204);
        assertThat(rest.headers().firstValue("Upload-Offset")).contains(Integer.toString(bytes.length));
        assertReady(alice, requested);
    }

    @Test
    void givenAHalfFinishedTusUpload_whenTheClientCreatesItAgain_thenTheNewUploadStartsAtZeroAndCompletes()
            throws Exception {
        var server = servers.on(store);
        var alice = aliceOn(server);
        var requested = alice.post("/api/asset/request-upload", Map.of("name", "tus again"))
                .json();
        String first = createTusUpload(requested.path("tusEndpoint").asText(), bytes.length);
        assertThat(patch(first, 0, Arrays.copyOfRange(bytes, 0, bytes.length / 2))
                        .statusCode())
                .isEqualTo(204);

        String second = createTusUpload(requested.path("tusEndpoint").asText(), bytes.length);
        var whole = patch(second, 0, bytes);

        assertThat(whole.statusCode()).as(whole.body()).isEqualTo(204);
        assertReady(alice, requested);
    }

    @Test
    void givenATusClientHalfwayThroughAnUpload_whenTheServerRestarts_thenTheClientResumesAndTheAssetIsReady()
            throws Exception {
        try (var server = TestServer.start(store, CONFIG)) {
            var alice = aliceOn(server);
            var requested = alice.post("/api/asset/request-upload", Map.of("name", "tus restart"))
                    .json();
            var client = new TusClient();
            client.setUploadCreationURL(
                    URI.create(requested.path("tusEndpoint").asText()).toURL());
            client.enableResuming(new TusURLMemoryStore());

            var uploader = client.resumeOrCreateUpload(tusUpload());
            uploader.setChunkSize(16 * 1024);
            uploader.setRequestPayloadSize(32 * 1024);
            while (uploader.getOffset() < bytes.length / 2 && uploader.uploadChunk() > -1) {
                // Upload the first half, one 16 KiB chunk after another.
            }
            uploader.finish();
            long before = uploader.getOffset();
            assertThat(before).isBetween(bytes.length / 2L, (long) bytes.length - 1);

            server.restart();

            var resumed = client.resumeUpload(tusUpload());
            assertThat(resumed.getOffset()).isEqualTo(before);
            while (resumed.uploadChunk() > -1) {
                // The rest.
            }
            resumed.finish();
            assertThat(resumed.getOffset()).isEqualTo(bytes.length);
            assertReady(alice, requested);
        }
    }

    private static ApiClient aliceOn(TestServer server) {
        return server.client(server.createUserKey("alice@example.com").key());
    }

    private static TusUpload tusUpload() throws IOException {
        var upload = new TusUpload(video.toFile());
        upload.setMetadata(Map.of("filename", "upload.mp4", "filetype", "video/mp4"));
        return upload;
    }

    private static void assertReady(ApiClient client, JsonNode requested) {
        String assetId = requested.path("asset").path("id").asText();
        String taskId = requested.path("task").path("id").asText();
        var task = Await.until(
                () -> client.get("/api/task/" + taskId).json(),
                t -> List.of("completed", "failed")
                        .contains(t.path("status").path("phase").asText()),
                PROCESSING,
                "the upload task to finish");
        assertThat(task.path("status").path("phase").asText())
                .as(task.toString())
                .isEqualTo("completed");
        var asset = client.get("/api/asset/" + assetId).json();
        assertThat(asset.path("status").path("phase").asText()).isEqualTo("ready");
        assertThat(asset.path("size").asLong()).isEqualTo(bytes.length);
        assertThat(asset.path("source").path("type").asText()).isEqualTo("directUpload");
        assertThat(asset.path("playbackUrl").asText()).endsWith("/index.m3u8");
    }

    /** tus creation: answers the upload's URL. */
    private static String createTusUpload(String endpoint, long length) throws Exception {
        var created = HTTP.send(
                HttpRequest.newBuilder(URI.create(endpoint))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .header("Tus-Resumable", "1.0.0")
                        .header("Upload-Length", Long.toString(length))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Upload-Offset")).contains("0");
        return created.headers().firstValue("Location").orElseThrow();
    }

    private static long offset(String upload) {
        try {
            var head = HTTP.send(
                    HttpRequest.newBuilder(URI.create(upload))
                            .method("HEAD", HttpRequest.BodyPublishers.noBody())
                            .header("Tus-Resumable", "1.0.0")
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(head.statusCode()).isEqualTo(200);
            return Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static HttpResponse<String> patch(String upload, long offset, byte[] body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(upload))
                        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body))
                        .header("Tus-Resumable", "1.0.0")
                        .header("Upload-Offset", Long.toString(offset))
                        .header("Content-Type", "application/offset+octet-stream")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A PATCH announcing the whole rest of the file that sends only {@code count} bytes and then hangs up. */
    private static void patchAndDropTheConnection(String upload, long offset, int count) throws IOException {
        var uri = URI.create(upload);
        try (var socket = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            String head = "PATCH " + uri.getRawPath() + " HTTP/1.1\r\n"
                    + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                    + "Tus-Resumable: 1.0.0\r\n"
                    + "Upload-Offset: " + offset + "\r\n"
                    + "Content-Type: application/offset+octet-stream\r\n"
                    + "Content-Length: " + (bytes.length - offset) + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(bytes, (int) offset, count);
            out.flush();
        }
    }
}
