package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectStoresTest {

    @RegisterExtension
    static final S3ProxyFixture s3 = new S3ProxyFixture();

    @TempDir
    Path dataDir;

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void givenNoStorageUrl_whenOpen_thenALocalStoreInTheDataDirectory(String url) {
        try (ObjectStore store = ObjectStores.open(url, dataDir)) {
            store.put("a.txt", new ByteArrayInputStream(new byte[] {1}), 1, null);
        }
        assertThat(dataDir.resolve("objects/a.txt")).exists();

        try (ObjectStore store = ObjectStores.open(null, dataDir)) {
            assertThat(store).isInstanceOf(LocalObjectStore.class);
        }
    }

    @Test
    void givenAFileUrlOrAPlainPath_whenOpen_thenALocalStoreThere() {
        Path fromUrl = dataDir.resolve("from url");
        Path fromPath = dataDir.resolve("plain");

        try (ObjectStore store = ObjectStores.open(fromUrl.toUri().toString(), dataDir)) {
            store.put("x", new ByteArrayInputStream(new byte[] {1}), 1, null);
        }
        try (ObjectStore store = ObjectStores.open(fromPath.toString(), dataDir)) {
            store.put("y", new ByteArrayInputStream(new byte[] {1}), 1, null);
        }

        assertThat(fromUrl.resolve("x")).exists();
        assertThat(fromPath.resolve("y")).exists();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "gs://key:TOPSECRET@bucket/x",
                "https://key:TOPSECRET@host/x",
                "file://remote-host/data",
                "file:relative"
            })
    void givenAnUnsupportedUrl_whenOpen_thenInvalidUrlWithoutTheSecret(String url) {
        assertThatThrownBy(() -> ObjectStores.open(url, dataDir)).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.code()).isEqualTo(StorageException.INVALID_URL);
            assertThat(e.getMessage()).doesNotContain("TOPSECRET");
        });
    }

    @Test
    void givenAnS3Url_whenOpen_thenObjectsLandInThatBucket() {
        String bucket = s3.createBucket();

        try (ObjectStore store = ObjectStores.open(s3.storageUrl(bucket), dataDir)) {
            store.put("hls/index.m3u8", new ByteArrayInputStream(new byte[] {1}), 1, null);

            assertThat(store.describe()).contains("'" + bucket + "'").doesNotContain(S3ProxyFixture.SECRET_KEY);
            assertThat(store.toString()).doesNotContain(S3ProxyFixture.SECRET_KEY);
        }
        try (ObjectStore same = ObjectStores.open(s3.location(bucket))) {
            assertThat(same.head("hls/index.m3u8")).isPresent();
        }
    }

    @Test
    void givenAWrongSecret_whenOpen_thenInvalidCredentialsNamingTheBucketAndTheFix() {
        String bucket = s3.createBucket();
        String url = "s3+http://" + S3ProxyFixture.ACCESS_KEY + ":WRONGSECRET@127.0.0.1:" + s3.port() + "/" + bucket;

        assertThatThrownBy(() -> ObjectStores.open(url, dataDir)).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.code()).isEqualTo(StorageException.INVALID_CREDENTIALS);
            assertThat(e.retriable()).isFalse();
            assertThat(e.getMessage())
                    .contains("'" + bucket + "'", "SignatureDoesNotMatch", "secret access key")
                    .doesNotContain("WRONGSECRET");
        });
    }

    @Test
    void givenAnUnknownAccessKey_whenOpen_thenInvalidCredentialsAskingToCheckTheKey() {
        String bucket = s3.createBucket();
        String url = "s3+http://NOSUCHKEY:WRONGSECRET@127.0.0.1:" + s3.port() + "/" + bucket;

        assertThatThrownBy(() -> ObjectStores.open(url, dataDir)).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.code()).isEqualTo(StorageException.INVALID_CREDENTIALS);
            assertThat(e.getMessage())
                    .contains("'" + bucket + "'", "InvalidAccessKeyId", "access key id")
                    .doesNotContain("WRONGSECRET");
        });
    }

    @Test
    void givenAMissingBucket_whenOpen_thenNoSuchBucketNamingIt() {
        assertThatThrownBy(() -> ObjectStores.open(s3.storageUrl("no-such-bucket"), dataDir))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.code()).isEqualTo(StorageException.NO_SUCH_BUCKET);
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage())
                            .contains("'no-such-bucket'", "NoSuchBucket", "create it")
                            .doesNotContain(S3ProxyFixture.SECRET_KEY);
                });
    }

    @Test
    void givenNoServerAtTheEndpoint_whenOpen_thenRetriableUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "s3+http://k:TOPSECRET@127.0.0.1:" + closedPort + "/bucket";

        assertThatThrownBy(() -> ObjectStores.open(url, dataDir)).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.code()).isEqualTo(StorageException.UNAVAILABLE);
            assertThat(e.retriable()).isTrue();
            assertThat(e.getMessage()).contains("'bucket'").doesNotContain("TOPSECRET");
        });
    }

    @Test
    void givenALocalDirectoryThatCannotBeCreated_whenOpen_thenIoError() throws Exception {
        Path file = Files.writeString(dataDir.resolve("a-file"), "x");

        assertThatThrownBy(() -> ObjectStores.open(file.resolve("sub").toString(), dataDir))
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.code()).isEqualTo(StorageException.IO_ERROR));
    }
}
