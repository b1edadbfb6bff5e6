package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class LocalObjectStoreTest extends ObjectStoreContract {

    Path root;

    @Override
    ObjectStore newStore() {
        root = tmp.resolve("objects");
        return new LocalObjectStore(root);
    }

    @Test
    void givenAPut_thenTheObjectIsAPlainFileAtItsKeyAndNoTemporaryFileRemains() throws Exception {
        put("hls/720p/index.m3u8", "#EXTM3U");

        assertThat(Files.readString(root.resolve("hls/720p/index.m3u8"))).isEqualTo("#EXTM3U");
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(Files::isRegularFile).map(root::relativize).map(Path::toString))
                    .containsExactly("hls/720p/index.m3u8");
        }
    }

    @Test
    void givenAFileOnTheStoresFileSystem_whenPutFinished_thenTheObjectIsThatFileAndALaterPutLeavesTheFileAlone()
            throws Exception {
        Path file = tmp.resolve("720p.mp4");
        Files.writeString(file, "first");

        store.putFinished("asset/720p.mp4", file, null);

        assertThat(Files.isSameFile(root.resolve("asset/720p.mp4"), file)).isTrue();
        put("asset/720p.mp4", "second");
        assertThat(Files.readString(file)).isEqualTo("first");
        assertThat(Files.readString(root.resolve("asset/720p.mp4"))).isEqualTo("second");
    }

    @Test
    void givenAFileOnAnotherFileSystem_whenPutFinished_thenTheObjectIsACopy() throws Exception {
        Path other = Path.of("/dev/shm");
        Assumptions.assumeTrue(
                Files.isDirectory(other) && !Files.getFileStore(other).equals(Files.getFileStore(tmp)),
                "needs /dev/shm on a file system other than the test's temporary directory, to cross file systems");
        Path file = Files.createTempFile(other, "spool-finished", ".ts");
        try {
            Files.writeString(file, "segment");

            store.putFinished("asset/0.ts", file, null);

            assertThat(Files.isSameFile(root.resolve("asset/0.ts"), file)).isFalse();
            assertThat(Files.readString(root.resolve("asset/0.ts"))).isEqualTo("segment");
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void givenAnObject_whenGetInto_thenTheTargetIsItsFileAndALaterPutLeavesTheTargetAlone() throws Exception {
        put("asset/source", "original");
        Path target = tmp.resolve("work-source");

        store.getInto("asset/source", target);

        assertThat(Files.isSameFile(root.resolve("asset/source"), target)).isTrue();
        put("asset/source", "replaced");
        assertThat(Files.readString(target)).isEqualTo("original");
    }

    @Test
    void givenAContentTypeTheExtensionDoesNotImply_whenPut_thenItIsKeptButNeverListedAsAnObject() {
        store.put("data.bin", new ByteArrayInputStream(new byte[3]), 3, "video/webm");

        assertThat(store.head("data.bin").orElseThrow().contentType()).isEqualTo("video/webm");
        assertThat(store.list("")).extracting(ObjectInfo::key).containsExactly("data.bin");

        store.put("data.bin", new ByteArrayInputStream(new byte[3]), 3, null);

        assertThat(store.head("data.bin").orElseThrow().contentType()).isEqualTo("application/octet-stream");
    }

    @Test
    void givenAKeyUsingTheReservedNamePrefix_whenPut_thenInvalidKey() {
        assertCode(() -> put("a/.spool.x.type", "x"), StorageException.INVALID_KEY);
    }

    @Test
    void givenASymlinkLeadingOutOfTheRoot_whenReadOrWrittenThrough_thenInvalidKey() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "do not read");
        Files.createSymbolicLink(root.resolve("link"), outside);
        Files.createSymbolicLink(root.resolve("file-link"), outside.resolve("secret.txt"));

        assertCode(() -> store.get("link/secret.txt"), StorageException.INVALID_KEY);
        assertCode(() -> store.get("file-link"), StorageException.INVALID_KEY);
        assertCode(() -> store.head("link/secret.txt"), StorageException.INVALID_KEY);
        assertCode(() -> put("link/new.txt", "x"), StorageException.INVALID_KEY);
        assertCode(() -> put("link/deeper/new.txt", "x"), StorageException.INVALID_KEY);
        assertThat(store.list("")).isEmpty();
        assertThat(outside.resolve("new.txt")).doesNotExist();
        assertThat(outside.resolve("deeper")).doesNotExist();
    }

    @Test
    void givenASymlinkInsideTheRoot_whenRead_thenItIsFollowed() throws Exception {
        put("real/file.txt", "inside");
        Files.createSymbolicLink(root.resolve("alias"), root.resolve("real"));

        assertThat(new String(TestData.readAll(store.get("alias/file.txt")), StandardCharsets.UTF_8))
                .isEqualTo("inside");
    }

    @Test
    void givenDeletePrefix_thenTheDirectoriesItEmptiedAreRemoved() {
        put("asset/hls/360p/0.ts", "x");
        put("asset/video.mp4", "x");
        put("other/keep.txt", "x");

        store.deletePrefix("asset/");

        assertThat(root.resolve("asset")).doesNotExist();
        assertThat(root.resolve("other/keep.txt")).exists();
    }

    @Test
    void givenAKeyWhosePathIsTakenByAnObject_whenPut_thenInvalidKey() {
        put("taken", "x");

        assertCode(() -> put("taken/child", "y"), StorageException.INVALID_KEY);
    }
}
