package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.media.SampleMedia;
import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import dev.spool.testing.MediaHttpServer;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long import whose chunks were all encoded is retried after a failure. When its outputs could not be published (the
 * object store failed every playlist upload), the retry encodes no chunk again: the chunk files stay in the store
 * until the outputs are published, and then go, and the retry moves them under its own prefix by copies within the
 * store. When the join of the chunks failed (one rendition's chunks came back as zeros), the retry encodes them all
 * again rather than meet the same chunks. On S3, reached through {@link FaultyS3Proxy}, which fails the uploads,
 * spoils the downloads, lists the uploads and counts the source bytes the chunks read. Object-store behaviour does
 * not depend on the store of record: SQLite only.
 */
@Tag("media")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class RetriedChunksOverS3Test {
    /** 24 s in 2 s segments over a 6 s threshold: 4 chunks. */
    private static final int SECONDS = 24;

    private static final String CHUNKS = "/spool-chunks/";

    @TempDir
    Path media;

    S3ProxyFixture s3;
    String bucket;
    FaultyS3Proxy proxy;
    MediaHttpServer sources;
    TestServer server;
    ApiClient client;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (sources != null) {
            sources.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (s3 != null) {
            s3.stop();
        }
    }

    @Test
    void givenALongImportWhosePublishFails_whenItIsRetried_thenNoChunkIsEncodedAgainAndTheChunkFilesGoOncePublished()
            throws Exception {
        startServer();
        // given: every playlist of the outputs fails to upload; the chunks' own files get through
        proxy.failUploadsTo(path -> path.endsWith(".m3u8") && !path.contains(CHUNKS));

        // when: the import runs its chunks, fails to publish, and is retried once the store is back
        String taskId = LongImports.start(client, sources.url("long.mp4"));
        JsonNode failedOnce = awaitFirstFailure(taskId);
        proxy.failUploadsTo(path -> false);
        var firstAttempt = chunkUploads();
        long sourceRead = proxy.rangedBytes();
        JsonNode done = LongImports.awaitEnd(client, taskId, Duration.ofMinutes(2));

        // then
        assertRetried(failedOnce, ".m3u8");
        assertThat(chunkUploads())
                .filteredOn(upload -> upload.path().contains("/source-"))
                .as("uploads of the source's copy: the first attempt's only")
                .isNotEmpty()
                .allSatisfy(upload -> assertThat(upload.path()).contains("/" + taskId + "-a1/"));
        assertThat(sourceRead)
                .as("source bytes read by the first attempt's chunks")
                .isPositive();
        assertThat(done.path("status").path("phase").asText()).as("%s", done).isEqualTo("completed");
        var retry = chunkUploads().subList(firstAttempt.size(), chunkUploads().size());
        assertThat(retry).as("the retry's uploads under spool-chunks/").isNotEmpty();
        assertThat(retry)
                .as("the retry moved the kept chunks by copies within the store: requests without a body")
                .allSatisfy(upload -> assertThat(upload.bytes()).isZero());
        // a chunk encoded again would have read its part of the source in ranges, from a copy made for it
        assertThat(proxy.rangedBytes())
                .as("source bytes read by chunks after the first attempt")
                .isEqualTo(sourceRead);
        assertNoChunkFilesLeft();
        LongImports.assertPlaysThrough(client, done, SECONDS);
    }

    @Test
    void givenALongImportWhoseJoinFails_whenItIsRetried_thenEveryChunkIsEncodedAgain() throws Exception {
        startServer();
        // given: the 360p chunks come back from the store as zeros when the import collects them for the join
        proxy.zeroDownloadsOf(path -> path.contains(CHUNKS) && path.contains("/360p0/chunk_"));

        // when: the join fails on them, and the import is retried once the store answers right again
        String taskId = LongImports.start(client, sources.url("long.mp4"));
        JsonNode failedOnce = awaitFirstFailure(taskId);
        proxy.zeroDownloadsOf(path -> false);
        JsonNode done = LongImports.awaitEnd(client, taskId, Duration.ofMinutes(2));

        // then
        assertRetried(failedOnce, "joining the chunks");
        assertThat(done.path("status").path("phase").asText()).as("%s", done).isEqualTo("completed");
        assertThat(chunkUploads())
                .filteredOn(upload -> upload.path().contains("/source-"))
                .as("uploads of the source's copy: the retry made its own, to encode every chunk again")
                .anySatisfy(upload -> assertThat(upload.path()).contains("/" + taskId + "-a2/"));
        assertNoChunkFilesLeft();
        LongImports.assertPlaysThrough(client, done, SECONDS);
    }

    private void startServer() {
        s3 = new S3ProxyFixture();
        s3.start();
        bucket = s3.createBucket();
        proxy = FaultyS3Proxy.inFrontOf(s3.endpoint());
        SampleMedia.mp4(media, "long.mp4", SECONDS, "1280x720");
        sources = MediaHttpServer.serving(media);
        server = TestServer.start(
                Store.SQLITE,
                Map.of(
                        "SPOOL_STORAGE_URL", proxy.storageUrl(s3, bucket),
                        "SPOOL_WORKERS", "1",
                        "SPOOL_IMPORT_ALLOW_PRIVATE", "true",
                        "SPOOL_X264_PRESET", "ultrafast",
                        "SPOOL_CHUNK_THRESHOLD_SECONDS", "6",
                        "SPOOL_TASK_FIRST_RETRY_DELAY", "5s"));
        client = server.client(server.createUserKey("retried-" + UUID.randomUUID() + "@example.com")
                .key());
    }

    private JsonNode awaitFirstFailure(String taskId) {
        return Await.until(
                () -> client.get("/api/task/" + taskId).json(),
                task -> task.path("status").path("retries").asInt() >= 1
                        || task.path("status").path("phase").asText().equals("failed"),
                Duration.ofMinutes(4),
                "the first attempt to fail");
    }

    private static void assertRetried(JsonNode failedOnce, String because) {
        assertThat(failedOnce.path("status").path("phase").asText())
                .as("the first attempt is retried: %s", failedOnce)
                .isNotEqualTo("failed");
        assertThat(failedOnce.path("status").path("errorMessage").asText())
                .as("why it was retried")
                .contains(because);
    }

    private void assertNoChunkFilesLeft() {
        assertThat(S3ObjectStore.open(s3.location(bucket)).list("spool-chunks/"))
                .as("the chunk files, once published")
                .isEmpty();
    }

    private List<FaultyS3Proxy.Upload> chunkUploads() {
        return proxy.uploads().stream()
                .filter(upload -> upload.path().contains(CHUNKS))
                .toList();
    }
}
