package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.media.SampleMedia;
import dev.spool.testing.ApiClient;
import dev.spool.testing.MediaHttpServer;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long import's chunks on a server whose files live in S3: each chunk's worker reads the source from the store in
 * ranges for its ffmpeg, fetching the chunk's part rather than the whole file, and a read that breaks off is resumed
 * where it stopped instead of ending the chunk early, as are the server's reads of the outputs it plays back. Reached
 * through {@link FaultyS3Proxy}, which counts and cuts the ranged downloads. Object-store reads do not depend on the store of record, so this runs on SQLite only.
 */
@Tag("media")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ChunkSourceOverS3Test {
    /** 24 s in 2 s segments over a 6 s threshold: 4 chunks. */
    private static final int SECONDS = 24;

    private static final long CUT_AFTER = 256 * 1024;

    @TempDir
    static Path media;

    static S3ProxyFixture s3;
    static FaultyS3Proxy proxy;
    static MediaHttpServer sources;
    static TestServer server;
    static ApiClient client;
    static long sourceSize;

    @BeforeAll
    static void start() throws Exception {
        s3 = new S3ProxyFixture();
        s3.start();
        String bucket = s3.createBucket();
        proxy = FaultyS3Proxy.inFrontOf(s3.endpoint());
        sourceSize = Files.size(SampleMedia.mp4(media, "long.mp4", SECONDS, "1280x720"));
        sources = MediaHttpServer.serving(media);
        String throughProxy = proxy.storageUrl(s3, bucket);
        server = TestServer.start(
                Store.SQLITE,
                Map.of(
                        "SPOOL_STORAGE_URL", throughProxy + "/spool",
                        "SPOOL_WORKERS", "1",
                        "SPOOL_IMPORT_ALLOW_PRIVATE", "true",
                        "SPOOL_X264_PRESET", "ultrafast",
                        "SPOOL_CHUNK_THRESHOLD_SECONDS", "6",
                        "SPOOL_CHUNK_PARALLEL", "4",
                        "SPOOL_TASK_MAX_RETRIES", "0"));
        client = server.client(server.createUserKey("chunks-" + UUID.randomUUID() + "@example.com")
                .key());
    }

    @AfterAll
    static void stop() {
        server.close();
        sources.close();
        proxy.close();
        s3.stop();
    }

    @Test
    void
            givenChunksReadingTheSourceFromS3_whenEveryReadBreaksOffEarly_thenEachIsResumedAndOnlyTheChunksPartsAreFetched() {
        proxy.cutRangedDownloadsAfter(CUT_AFTER);

        String taskId = LongImports.start(client, sources.url("long.mp4"));
        JsonNode done = LongImports.awaitEnd(client, taskId, Duration.ofMinutes(4));

        assertThat(done.path("status").path("phase").asText())
                .as("with no retries allowed, every chunk got through its breaks: %s", done)
                .isEqualTo("completed");
        assertThat(proxy.rangedCutOff()).as("ranged downloads cut off").isGreaterThanOrEqualTo(4);
        assertThat(proxy.rangedBytes())
                .as("bytes the chunks fetched, against the source's %d", sourceSize)
                .isLessThan(2 * sourceSize);
        // the server reads what it plays back from the store in ranges too, the cuts going on: each is resumed
        LongImports.assertPlaysThrough(client, done, SECONDS);
    }
}
