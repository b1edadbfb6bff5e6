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
 * A long import whose chunks were all encoded, but whose outputs could not be published (the object store failed every
 * playlist upload), is retried without encoding a chunk again: the chunk files stay in the store until the outputs
 * are published, and then go; the retry moves them under its own prefix by copies within the store. On S3, reached
 * through {@link FaultyS3Proxy}, which fails the uploads, and lists the uploads and counts the source bytes the
 * chunks read. Object-store behaviour does not depend on the store of record: SQLite only.
 */
@Tag("media")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ChunksKeptThroughFailedPublishTest {
    /** 24 s in 2 s segments over a 6 s threshold: 4 chunks. */
    private static final int SECONDS = 24;

    private static final String CHUNKS = "/spool-chunks/";

    @TempDir
    Path media;

    S3ProxyFixture s3;
    FaultyS3Proxy proxy;
    MediaHttpServer sources;
    TestServer server;

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
        s3 = new S3ProxyFixture();
        s3.start();
        String bucket = s3.createBucket();
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
        ApiClient client = server.client(server.createUserKey("publish-" + UUID.randomUUID() + "@example.com")
                .key());
        // given: every playlist of the outputs fails to upload; the chunks' own files get through
        proxy.failUploadsTo(path -> path.endsWith(".m3u8") && !path.contains(CHUNKS));

        // when: the import runs its chunks, fails to publish, and is retried once the store is back
        String taskId = LongImports.start(client, sources.url("long.mp4"));
        JsonNode failedOnce = Await.until(
                () -> client.get("/api/task/" + taskId).json(),
                task -> task.path("status").path("retries").asInt() >= 1
                        || task.path("status").path("phase").asText().equals("failed"),
                Duration.ofMinutes(4),
                "the first attempt to fail");
        proxy.failUploadsTo(path -> false);
        var firstAttempt = chunkUploads();
        long sourceRead = proxy.signedBytes();
        JsonNode done = LongImports.awaitEnd(client, taskId, Duration.ofMinutes(2));

        // then
        assertThat(failedOnce.path("status").path("phase").asText())
                .as("the first attempt is retried: %s", failedOnce)
                .isNotEqualTo("failed");
        assertThat(failedOnce.path("status").path("errorMessage").asText())
                .as("why it was retried")
                .contains(".m3u8");
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
        // a chunk encoded again would have read its part of the source through a signed URL, from a copy made for it
        assertThat(proxy.signedBytes())
                .as("source bytes read by chunks after the first attempt")
                .isEqualTo(sourceRead);
        assertThat(S3ObjectStore.open(s3.location(bucket)).list("spool-chunks/"))
                .as("the chunk files, once published")
                .isEmpty();
        LongImports.assertPlaysThrough(client, done, SECONDS);
    }

    private List<FaultyS3Proxy.Upload> chunkUploads() {
        return proxy.uploads().stream()
                .filter(upload -> upload.path().contains(CHUNKS))
                .toList();
    }
}
