package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.storage.FaultyS3Proxy.Fault;
import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import dev.spool.testing.MediaHttpServer;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import dev.spool.testing.TestVideos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spool's files in an S3 bucket reached through {@link FaultyS3Proxy}: uploads that meet 500s, slow answers and
 * connections closed mid-body are retried (by the S3 client, then by the task) until the asset is ready and plays;
 * when every upload fails, the task fails with the S3 error code. Object-store faults do not depend on the store of
 * record, so this runs on SQLite only. Media files are read with a plain client: the contract check's media type
 * for them is {@code *}{@code /*}.
 */
class ObjectStoreFaultTest {
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path media;

    static S3ProxyFixture s3;
    static FaultyS3Proxy faults;
    static MediaHttpServer sources;
    static TestServer server;
    static ApiClient client;

    @BeforeAll
    static void start() {
        s3 = new S3ProxyFixture();
        s3.start();
        String bucket = s3.createBucket();
        faults = FaultyS3Proxy.inFrontOf(s3.endpoint());
        TestVideos.generate(media.resolve("clip.mp4"), 2);
        sources = MediaHttpServer.serving(media);
        String throughFaults = faults.storageUrl(s3, bucket);
        server = TestServer.start(
                Store.SQLITE,
                Map.of(
                        "SPOOL_STORAGE_URL", throughFaults + "/spool",
                        "SPOOL_WORKERS", "1",
                        "SPOOL_IMPORT_ALLOW_PRIVATE", "true",
                        "SPOOL_X264_PRESET", "ultrafast",
                        "SPOOL_CHUNK_PARALLEL", "1",
                        "SPOOL_TASK_MAX_RETRIES", "1",
                        "SPOOL_TASK_FIRST_RETRY_DELAY", "500ms",
                        "SPOOL_TASK_RETRY_DELAY", "500ms"));
        client = server.client(server.createUserKey("faults-" + UUID.randomUUID() + "@example.com")
                .key());
    }

    @AfterAll
    static void stop() {
        server.close();
        sources.close();
        faults.close();
        s3.stop();
    }

    @AfterEach
    void healTheStore() {
        faults.standing(Fault.NONE);
    }

    @Test
    void uploadsThatMeetErrorsSlownessAndDroppedConnectionsAreRetriedUntilTheAssetPlays() {
        // Six failures in a row exhaust the S3 client's attempts at one upload. The first six meet the segment
        // published while the encode runs, which the publishing step writes again; the next six meet that step's
        // first upload, and then the task itself must try again.
        faults.script(
                Fault.INTERNAL_ERROR,
                Fault.CLOSE_MID_UPLOAD,
                Fault.INTERNAL_ERROR,
                Fault.CLOSE_MID_UPLOAD,
                Fault.INTERNAL_ERROR,
                Fault.CLOSE_MID_UPLOAD,
                Fault.INTERNAL_ERROR,
                Fault.CLOSE_MID_UPLOAD,
                Fault.INTERNAL_ERROR,
                Fault.CLOSE_MID_UPLOAD,
                Fault.INTERNAL_ERROR,
                Fault.CLOSE_MID_UPLOAD,
                Fault.SLOW,
                Fault.SLOW);

        JsonNode created = importClip("survives");
        JsonNode asset = awaitAssetIn(created.path("asset").path("id").asText(), Set.of("ready", "failed"));

        assertThat(asset.path("status").path("phase").asText())
                .as(asset.toString())
                .isEqualTo("ready");
        JsonNode task = client.get(
                        "/api/task/" + created.path("task").path("id").asText())
                .json();
        assertThat(task.path("status").path("phase").asText()).isEqualTo("completed");
        assertThat(task.path("status").path("retries").asInt())
                .as("task retried: %s", task)
                .isGreaterThanOrEqualTo(1);
        assertThat(faults.applied(Fault.INTERNAL_ERROR)).isEqualTo(6);
        assertThat(faults.applied(Fault.CLOSE_MID_UPLOAD)).isEqualTo(6);
        assertThat(faults.applied(Fault.SLOW)).isEqualTo(2);
        assertPlays(asset.path("playbackId").asText());
    }

    @Test
    void whenEveryUploadFailsTheTaskFailsWithTheS3ErrorCode() {
        faults.standing(Fault.INTERNAL_ERROR);

        JsonNode created = importClip("doomed");
        JsonNode asset = awaitAssetIn(created.path("asset").path("id").asText(), Set.of("ready", "failed"));

        assertThat(asset.path("status").path("phase").asText())
                .as(asset.toString())
                .isEqualTo("failed");
        JsonNode task = client.get(
                        "/api/task/" + created.path("task").path("id").asText())
                .json();
        assertThat(task.path("status").path("phase").asText()).isEqualTo("failed");
        assertThat(task.path("status").path("errorMessage").asText()).contains("InternalError");
        assertThat(task.path("status").path("retries").asInt()).isEqualTo(1);
    }

    private static JsonNode importClip(String name) {
        var created = client.post("/api/asset/upload/url", Map.of("name", name, "url", sources.url("clip.mp4")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    private static JsonNode awaitAssetIn(String assetId, Set<String> phases) {
        return Await.until(
                () -> client.get("/api/asset/" + assetId).json(),
                asset -> phases.contains(asset.path("status").path("phase").asText()),
                WAIT,
                "asset " + assetId + " in " + phases);
    }

    /** The master playlist and a rendition playlist come back from the bucket through Spool. */
    private static void assertPlays(String playbackId) {
        var master = get("/asset/" + playbackId + "/index.m3u8");
        assertThat(master.statusCode()).isEqualTo(200);
        String rendition = master.body()
                .lines()
                .filter(line -> !line.startsWith("#") && !line.isBlank())
                .findFirst()
                .orElseThrow();
        assertThat(get("/asset/" + playbackId + "/" + rendition).statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> get(String path) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
