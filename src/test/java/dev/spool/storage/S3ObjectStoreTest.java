package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

class S3ObjectStoreTest extends ObjectStoreContract {

    @RegisterExtension
    static final S3ProxyFixture s3 = new S3ProxyFixture();

    String bucket;

    @Override
    ObjectStore newStore() {
        bucket = s3.createBucket();
        return ObjectStores.open(s3.storageUrl(bucket), tmp);
    }

    @Test
    void givenAStockS3proxy_whenDeletePrefix_thenItFallsBackToSingleDeletes() {
        put("x/1", "1");
        put("x/2", "2");

        store.deletePrefix("x/");

        assertThat(keys("")).isEmpty();
        assertThat(((S3ObjectStore) store).batchDeleteSupported()).isFalse();
    }

    @Test
    void givenAServerAcceptingTheSdkChecksums_whenDeletePrefix_thenOneBatchRequestDeletes() {
        try (S3ProxyFixture lenient = S3ProxyFixture.ignoringUnknownHeaders()) {
            lenient.start();
            String lenientBucket = lenient.createBucket();
            try (ObjectStore batching = ObjectStores.open(lenient.storageUrl(lenientBucket), tmp)) {
                batching.put("y/1", InputStream.nullInputStream(), 0, null);
                batching.put("y/2", InputStream.nullInputStream(), 0, null);
                batching.put("z", InputStream.nullInputStream(), 0, null);

                batching.deletePrefix("y/");

                assertThat(batching.list("")).extracting(ObjectInfo::key).containsExactly("z");
                assertThat(((S3ObjectStore) batching).batchDeleteSupported()).isTrue();
            }
        }
    }

    @Test
    void givenAFolderMarkerMadeByAConsole_whenList_thenOnlyRealObjectsAreListed() {
        try (S3Client client = S3Clients.create(s3.location(bucket))) {
            client.putObject(r -> r.bucket(bucket).key("folder/"), RequestBody.empty());
        }
        put("folder/a.ts", "a");

        assertThat(keys("")).containsExactly("folder/a.ts");
    }

    @Test
    void givenAStreamLargerThanOnePart_whenPut_thenItIsAMultipartObject() {
        store.put("parts.bin", TestData.stream(7, 20 * 1024 * 1024), -1, null);

        assertThat(store.head("parts.bin").orElseThrow().etag()).endsWith("-2");
    }

    @Test
    void givenAnyLength_whenPartSize_thenPartsStayBetween8MiBAndWhatKeepsTheObjectWithin10000Parts() {
        long mib = 1024 * 1024;

        assertThat(S3ObjectStore.partSize(-1)).isEqualTo(16 * mib);
        assertThat(S3ObjectStore.partSize(0)).isEqualTo(8 * mib);
        assertThat(S3ObjectStore.partSize(40 * mib)).isEqualTo(8 * mib);
        long huge = 200L * 1024 * mib;
        int part = S3ObjectStore.partSize(huge);
        assertThat(part % mib).isZero();
        assertThat((huge + part - 1) / part).isLessThanOrEqualTo(10_000);
    }

    @Test
    void givenAStreamThatFailsMidway_whenPut_thenTheMultipartUploadIsAborted() {
        InputStream failing = new InputStream() {
            private final InputStream data = TestData.stream(8, 20 * 1024 * 1024);

            @Override
            public int read() throws IOException {
                int b = data.read();
                if (b < 0) {
                    throw new IOException("connection to the source was reset");
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = data.read(buffer, offset, length);
                if (n < 0) {
                    throw new IOException("connection to the source was reset");
                }
                return n;
            }
        };

        assertCode(() -> store.put("broken.bin", failing, -1, null), StorageException.IO_ERROR);

        assertThat(store.head("broken.bin")).isEmpty();
        try (S3Client client = S3Clients.create(s3.location(bucket))) {
            assertThat(client.listMultipartUploads(r -> r.bucket(bucket)).uploads())
                    .isEmpty();
        }
    }

    @Test
    void givenAPathInTheStorageUrl_whenPut_thenTheObjectLivesUnderThatPrefix() {
        try (ObjectStore prefixed = ObjectStores.open(s3.storageUrl(bucket) + "/tenant%20a/out/", tmp)) {
            prefixed.put("hls/index.m3u8", InputStream.nullInputStream(), 0, null);

            assertThat(prefixed.list("")).extracting(ObjectInfo::key).containsExactly("hls/index.m3u8");
            assertThat(prefixed.describe()).contains("tenant a/out/");
        }
        assertThat(keys("")).containsExactly("tenant a/out/hls/index.m3u8");
    }
}
