package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fetches from an in-process S3 (s3proxy over a transient in-memory blob store on 127.0.0.1). */
class S3SourceFetchTest {

    private static final String ACCESS_KEY = "fetch-test-key";
    // A raw '/' and '+' as real secrets have, to prove the URL parser keeps them.
    private static final String SECRET_KEY = "fetch/test+secret";
    private static final String BUCKET = "media";
    private static final byte[] CONTENT = new byte[3 * 1024 * 1024 + 17];

    private static BlobStoreContext context;
    private static S3Proxy proxy;

    @TempDir
    Path dir;

    @BeforeAll
    static void startS3() throws Exception {
        new Random(3).nextBytes(CONTENT);
        context = ContextBuilder.newBuilder("transient")
                .credentials("unused", "unused")
                .build(BlobStoreContext.class);
        BlobStore blobs = context.getBlobStore();
        blobs.createContainerInLocation(null, BUCKET);
        blobs.putBlob(
                BUCKET,
                blobs.blobBuilder("in/clip one.mp4")
                        .payload(CONTENT)
                        .contentLength(CONTENT.length)
                        .contentType("video/mp4")
                        .build());
        proxy = S3Proxy.builder()
                .blobStore(blobs)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!"STARTED".equals(proxy.getState()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @AfterAll
    static void stopS3() throws Exception {
        proxy.stop();
        context.close();
    }

    @Test
    void givenObjectInBucket_whenFetchingItsS3Url_thenStreamsItIntact() throws Exception {
        Path target = dir.resolve("source.bin");

        FetchedSource fetched =
                fetcher(true).fetch(url(ACCESS_KEY, SECRET_KEY, BUCKET, "in/clip%20one.mp4"), target, b -> {});

        assertThat(Files.readAllBytes(target)).isEqualTo(CONTENT);
        assertThat(fetched.bytesWritten()).isEqualTo(CONTENT.length);
        assertThat(fetched.contentLength()).hasValue(CONTENT.length);
        assertThat(fetched.finalUrl())
                .isEqualTo("s3+http://***:***@127.0.0.1:" + proxy.getPort() + "/media/in/clip one.mp4");
    }

    @Test
    void givenMissingKey_whenFetching_thenFailsSourceNotFoundUnretriably() {
        FetchException failure = failure(fetcher(true), url(ACCESS_KEY, SECRET_KEY, BUCKET, "in/absent.mp4"));

        assertThat(failure.code()).isEqualTo(FetchException.SOURCE_NOT_FOUND);
        assertThat(failure.retriable()).isFalse();
        assertThat(failure.getMessage()).contains("in/absent.mp4").contains("bucket media");
    }

    @Test
    void givenMissingBucket_whenFetching_thenFailsUnretriablyNamingBucketAndS3Code() {
        FetchException failure = failure(fetcher(true), url(ACCESS_KEY, SECRET_KEY, "nobucket", "a.mp4"));

        assertThat(failure.code()).isEqualTo(FetchException.SOURCE_REJECTED);
        assertThat(failure.retriable()).isFalse();
        assertThat(failure.getMessage()).contains("nobucket").contains("NoSuchBucket");
    }

    @Test
    void givenWrongSecret_whenFetching_thenFailsUnretriablyWithoutPrintingEitherSecret() {
        FetchException failure = failure(fetcher(true), url(ACCESS_KEY, "wrong/secret", BUCKET, "in/clip%20one.mp4"));

        assertThat(failure.code()).isEqualTo(FetchException.SOURCE_REJECTED);
        assertThat(failure.retriable()).isFalse();
        assertThat(failure.getMessage())
                .contains("bucket media")
                .contains("SignatureDoesNotMatch")
                .doesNotContain("wrong/secret")
                .doesNotContain(SECRET_KEY);
    }

    @Test
    void givenPrivateAddressesRefused_whenFetchingFromLoopbackStore_thenRefusesBeforeConnecting() {
        FetchException failure = failure(fetcher(false), url(ACCESS_KEY, SECRET_KEY, BUCKET, "in/clip%20one.mp4"));

        assertThat(failure.code()).isEqualTo(FetchException.ADDRESS_REFUSED);
        assertThat(failure.getMessage()).doesNotContain(SECRET_KEY);
    }

    @Test
    void givenObjectAboveTheLimit_whenFetching_thenFailsTooLargeAndLeavesNoFile() {
        Path target = dir.resolve("source.bin");
        SourceFetcher small = new SourceFetcher(new FetchConfig(
                true, 1024 * 1024, Duration.ofSeconds(2), Duration.ofSeconds(10), 5, List.of(), List.of()));

        FetchException failure = catchThrowableOfType(
                FetchException.class,
                () -> small.fetch(url(ACCESS_KEY, SECRET_KEY, BUCKET, "in/clip%20one.mp4"), target, b -> {}));

        assertThat(failure.code()).isEqualTo(FetchException.TOO_LARGE);
        assertThat(target).doesNotExist();
    }

    private static SourceFetcher fetcher(boolean allowPrivate) {
        return new SourceFetcher(new FetchConfig(
                allowPrivate,
                FetchConfig.DEFAULT_MAX_BYTES,
                Duration.ofSeconds(2),
                Duration.ofSeconds(10),
                5,
                List.of(),
                List.of()));
    }

    private FetchException failure(SourceFetcher fetcher, String url) {
        return catchThrowableOfType(FetchException.class, () -> fetcher.fetch(url, dir.resolve("f.bin"), b -> {}));
    }

    private static String url(String accessKey, String secret, String bucket, String key) {
        return "s3+http://" + accessKey + ":" + secret + "@127.0.0.1:" + proxy.getPort() + "/" + bucket + "/" + key;
    }
}
