package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every {@link ObjectStore} must do; each implementation's test extends this. */
abstract class ObjectStoreContract {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path tmp;

    ObjectStore store;

    abstract ObjectStore newStore() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void givenAFile_whenPutAndGet_thenTheSameBytesComeBackAndHeadDescribesThem() throws IOException {
        Path file = tmp.resolve("source.bin");
        Files.write(file, TestData.bytes(1, 5000));
        long before = System.currentTimeMillis();

        store.put("videos/a/source.bin", file, "video/x-test");

        assertThat(TestData.readAll(store.get("videos/a/source.bin"))).isEqualTo(Files.readAllBytes(file));
        ObjectInfo info = store.head("videos/a/source.bin").orElseThrow();
        assertThat(info.key()).isEqualTo("videos/a/source.bin");
        assertThat(info.size()).isEqualTo(5000);
        assertThat(info.contentType()).isEqualTo("video/x-test");
        assertThat(info.etag()).isNotBlank();
        assertThat(info.lastModified()).isBetween(before - 2000, System.currentTimeMillis() + 2000);
    }

    @Test
    void givenAFinishedFile_whenPutFinishedAndTheFileIsDeleted_thenTheObjectKeepsItsBytes() throws IOException {
        Path file = tmp.resolve("segment.ts");
        byte[] data = TestData.bytes(7, 200_000);
        Files.write(file, data);
        long before = System.currentTimeMillis();

        store.putFinished("hls/720p/3.ts", file, "video/mp2t");
        Files.delete(file);

        assertThat(TestData.readAll(store.get("hls/720p/3.ts"))).isEqualTo(data);
        ObjectInfo info = store.head("hls/720p/3.ts").orElseThrow();
        assertThat(info.size()).isEqualTo(data.length);
        assertThat(info.contentType()).isEqualTo("video/mp2t");
        assertThat(info.lastModified()).isBetween(before - 2000, System.currentTimeMillis() + 2000);
    }

    @Test
    void givenAnObject_whenGetIntoAnExistingFile_thenTheFileHoldsTheObjectsBytesOnly() throws IOException {
        byte[] data = TestData.bytes(8, 150_000);
        store.put("asset/source", new ByteArrayInputStream(data), data.length, null);
        Path target = tmp.resolve("work-source");
        Files.write(target, TestData.bytes(9, 300_000));

        store.getInto("asset/source", target);

        assertThat(Files.readAllBytes(target)).isEqualTo(data);
    }

    @Test
    void givenNoObject_whenGetInto_thenNotFoundAndNoFileIsWritten() {
        Path target = tmp.resolve("never");

        assertCode(() -> store.getInto("missing/source", target), StorageException.NOT_FOUND);
        assertThat(target).doesNotExist();
    }

    @Test
    void givenAnObject_whenCopied_thenTheCopyHasItsBytesAndTypeAndOutlivesIt() {
        byte[] data = TestData.bytes(10, 180_000);
        store.put("chunks/a1/c0/chunk_0.ts", new ByteArrayInputStream(data), data.length, "video/x-test");
        put("chunks/a2/c0/chunk_0.ts", "an older object in the way");

        store.copy("chunks/a1/c0/chunk_0.ts", "chunks/a2/c0/chunk_0.ts");
        store.delete("chunks/a1/c0/chunk_0.ts");

        assertThat(TestData.readAll(store.get("chunks/a2/c0/chunk_0.ts"))).isEqualTo(data);
        ObjectInfo copy = store.head("chunks/a2/c0/chunk_0.ts").orElseThrow();
        assertThat(copy.size()).isEqualTo(data.length);
        assertThat(copy.contentType()).isEqualTo("video/x-test");
    }

    @Test
    void givenNoObject_whenCopied_thenNotFoundAndNothingIsWritten() {
        assertCode(() -> store.copy("missing/chunk_0.ts", "copies/chunk_0.ts"), StorageException.NOT_FOUND);
        assertThat(store.head("copies/chunk_0.ts")).isEmpty();
    }

    @Test
    void givenAStreamOfKnownLength_whenPut_thenItIsReadBack() {
        byte[] data = TestData.bytes(2, 100_000);

        store.put("segments/0.ts", new ByteArrayInputStream(data), data.length, null);

        assertThat(TestData.readAll(store.get("segments/0.ts"))).isEqualTo(data);
    }

    @Test
    void givenNoContentType_whenPut_thenTheExtensionDecidesIt() {
        put("hls/index.m3u8", "#EXTM3U\n");
        put("hls/720p/0.ts", "ts");
        put("blob", "x");

        assertThat(store.head("hls/index.m3u8").orElseThrow().contentType()).isEqualTo("application/vnd.apple.mpegurl");
        assertThat(store.head("hls/720p/0.ts").orElseThrow().contentType()).isEqualTo("video/mp2t");
        assertThat(store.head("blob").orElseThrow().contentType()).isEqualTo("application/octet-stream");
    }

    @Test
    void givenAnEmptyObject_whenGet_thenTheStreamIsEmpty() {
        store.put("empty.txt", InputStream.nullInputStream(), 0, "text/plain");

        assertThat(TestData.readAll(store.get("empty.txt"))).isEmpty();
        assertThat(store.head("empty.txt").orElseThrow().size()).isZero();
    }

    @Test
    void givenAnObject_whenGetARange_thenOnlyThoseBytesComeBack() {
        byte[] data = TestData.bytes(3, 10_000);
        store.put("range.bin", new ByteArrayInputStream(data), data.length, null);

        assertThat(TestData.readAll(store.get("range.bin", 100, 50))).isEqualTo(Arrays.copyOfRange(data, 100, 150));
        assertThat(TestData.readAll(store.get("range.bin", 9_990, -1)))
                .isEqualTo(Arrays.copyOfRange(data, 9_990, 10_000));
        assertThat(TestData.readAll(store.get("range.bin", 9_990, 1_000)))
                .isEqualTo(Arrays.copyOfRange(data, 9_990, 10_000));
        assertThat(TestData.readAll(store.get("range.bin", 0, -1))).isEqualTo(data);
    }

    @Test
    void givenARangeOutsideTheObject_whenGet_thenInvalidRange() {
        put("small.txt", "0123456789");

        assertCode(() -> store.get("small.txt", 10, 5).close(), StorageException.INVALID_RANGE);
        assertCode(() -> store.get("small.txt", -1, 5), StorageException.INVALID_RANGE);
        assertCode(() -> store.get("small.txt", 0, 0), StorageException.INVALID_RANGE);
    }

    @Test
    void givenAMissingKey_whenGetOrHead_thenNotFoundAndEmpty() {
        assertThat(store.head("missing/key.ts")).isEmpty();
        assertCode(() -> store.get("missing/key.ts"), StorageException.NOT_FOUND);
        assertCode(() -> store.get("missing/key.ts", 10, 10), StorageException.NOT_FOUND);
    }

    @Test
    void givenAKeyThatIsOnlyADirectory_whenHead_thenEmpty() {
        put("dir/file.txt", "x");

        assertThat(store.head("dir")).isEmpty();
        assertCode(() -> store.get("dir"), StorageException.NOT_FOUND);
    }

    @Test
    void givenAnObject_whenOverwritten_thenTheNewContentAndANewEtagAreSeen() throws InterruptedException {
        put("playlist.m3u8", "first");
        String firstEtag = store.head("playlist.m3u8").orElseThrow().etag();
        Thread.sleep(5);

        put("playlist.m3u8", "second version");

        assertThat(new String(TestData.readAll(store.get("playlist.m3u8")), StandardCharsets.UTF_8))
                .isEqualTo("second version");
        assertThat(store.head("playlist.m3u8").orElseThrow().etag()).isNotEqualTo(firstEtag);
    }

    @Test
    void givenObjectsUnderSeveralPrefixes_whenList_thenMatchingKeysComeSortedAndRelative() {
        for (String key : List.of("b/2.ts", "a/b/c.ts", "a/b.txt", "a/bc/d.ts", "a/b/a.ts", "ab.txt", "z")) {
            put(key, key);
        }

        assertThat(keys("a/b/")).containsExactly("a/b/a.ts", "a/b/c.ts");
        assertThat(keys("a/b")).containsExactly("a/b.txt", "a/b/a.ts", "a/b/c.ts", "a/bc/d.ts");
        assertThat(keys("a")).containsExactly("a/b.txt", "a/b/a.ts", "a/b/c.ts", "a/bc/d.ts", "ab.txt");
        assertThat(keys("")).containsExactly("a/b.txt", "a/b/a.ts", "a/b/c.ts", "a/bc/d.ts", "ab.txt", "b/2.ts", "z");
        assertThat(keys("nothing/")).isEmpty();
        ObjectInfo info = store.list("a/b/c").getFirst();
        assertThat(info.size()).isEqualTo("a/b/c.ts".length());
        assertThat(info.etag()).isEqualTo(store.head("a/b/c.ts").orElseThrow().etag());
    }

    @Test
    void givenMoreObjectsThanOneListingPage_whenListAndDeletePrefix_thenAllAreSeenAndDeleted() {
        IntStream.range(0, 1_001).forEach(i -> put("many/" + "%04d".formatted(i) + ".ts", "s"));
        put("many-other.txt", "keep");

        assertThat(store.list("many/")).hasSize(1_001);

        store.deletePrefix("many/");

        assertThat(store.list("many/")).isEmpty();
        assertThat(keys("")).containsExactly("many-other.txt");
    }

    @Test
    void givenAnObject_whenDeletedTwice_thenItIsGoneAndTheSecondDeleteIsFine() {
        put("gone.txt", "x");

        store.delete("gone.txt");
        store.delete("gone.txt");
        store.delete("never/existed.txt");

        assertThat(store.head("gone.txt")).isEmpty();
    }

    @Test
    void givenObjectsUnderAPrefix_whenDeletePrefix_thenOnlyThoseAreGone() {
        put("asset1/hls/index.m3u8", "x");
        put("asset1/hls/360p/0.ts", "x");
        put("asset1/video.mp4", "x");
        put("asset10/video.mp4", "x");

        store.deletePrefix("asset1/");

        assertThat(keys("")).containsExactly("asset10/video.mp4");
        assertCode(() -> store.deletePrefix(""), StorageException.INVALID_KEY);
        assertThat(keys("")).containsExactly("asset10/video.mp4");
    }

    @Test
    void givenA40MiBStreamOfUnknownLength_whenPut_thenTheSameBytesAreReadBack() {
        long size = 40 * MIB + 123;
        String expected = TestData.sha256(TestData.stream(40, size));

        store.put("big/source.mp4", TestData.stream(40, size), -1, "video/mp4");

        assertThat(store.head("big/source.mp4").orElseThrow().size()).isEqualTo(size);
        assertThat(TestData.sha256(store.get("big/source.mp4"))).isEqualTo(expected);
        assertThat(TestData.readAll(store.get("big/source.mp4", 20 * MIB, 16)))
                .isEqualTo(Arrays.copyOfRange(
                        TestData.bytes(40, (int) (20 * MIB + 16)), (int) (20 * MIB), (int) (20 * MIB + 16)));
    }

    @Test
    void givenAStreamShorterThanAnnounced_whenPut_thenIoErrorAndNothingIsStored() {
        assertCode(
                () -> store.put("short.bin", new ByteArrayInputStream(new byte[10]), 20, null),
                StorageException.IO_ERROR);

        assertThat(store.head("short.bin")).isEmpty();
        assertThat(keys("")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"", "/etc/passwd", "../outside", "a/../../outside", "a/./b", "a//b", "a/", "a\\b", "a\nb", ".."})
    void givenAnInvalidOrEscapingKey_whenUsed_thenInvalidKeyForEveryOperation(String key) {
        assertCode(() -> store.put(key, new ByteArrayInputStream(new byte[1]), 1, null), StorageException.INVALID_KEY);
        assertCode(() -> store.get(key), StorageException.INVALID_KEY);
        assertCode(() -> store.head(key), StorageException.INVALID_KEY);
        assertCode(() -> store.delete(key), StorageException.INVALID_KEY);
        assertCode(() -> store.copy(key, "valid/key"), StorageException.INVALID_KEY);
        assertCode(() -> store.copy("valid/key", key), StorageException.INVALID_KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/abs", "../", "a/../", "a//"})
    void givenAnInvalidPrefix_whenListOrDeletePrefix_thenInvalidKey(String prefix) {
        assertCode(() -> store.list(prefix), StorageException.INVALID_KEY);
        assertCode(() -> store.deletePrefix(prefix), StorageException.INVALID_KEY);
    }

    @Test
    void whenDescribe_thenItSaysWhereTheObjectsAre() {
        assertThat(store.describe()).isNotBlank();
    }

    void put(String key, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        store.put(key, new ByteArrayInputStream(bytes), bytes.length, null);
    }

    List<String> keys(String prefix) {
        return store.list(prefix).stream().map(ObjectInfo::key).toList();
    }

    static void assertCode(ThrowingCallable call, String code) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        StorageException.class,
                        e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
    }
}
