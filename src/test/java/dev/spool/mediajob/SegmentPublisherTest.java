package dev.spool.mediajob;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.storage.LocalObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentPublisherTest {

    @TempDir
    Path work;

    @TempDir
    Path objects;

    @Test
    void givenSegmentsPublishedDuringTheEncode_whenTheRestIsListed_thenOnlyWhatIsLeftRemainsInOrder() throws Exception {
        var store = new LocalObjectStore(objects);
        var publisher = new SegmentPublisher(store, "abc");
        Path segment =
                Files.writeString(Files.createDirectories(work.resolve("720p0")).resolve("0.ts"), "ts bytes");

        publisher.written("720p0/0.ts", segment);

        assertThat(objects.resolve("abc/720p0/0.ts")).hasContent("ts bytes");
        assertThat(publisher.remaining(List.of("720p0/0.ts", "720p0/1.ts", "720p0/index.m3u8", "index.m3u8")))
                .containsExactly("720p0/1.ts", "720p0/index.m3u8", "index.m3u8");
    }

    @Test
    void givenSegmentsPublishedDuringAnEncodeThatFailed_whenWithdrawn_thenTheStoreHoldsNoneAndARetryPublishesAll()
            throws Exception {
        var store = new LocalObjectStore(objects);
        var publisher = new SegmentPublisher(store, "abc");
        Path dir = Files.createDirectories(work.resolve("360p0"));
        publisher.written("360p0/0.ts", Files.writeString(dir.resolve("0.ts"), "first"));
        publisher.written("360p0/1.ts", Files.writeString(dir.resolve("1.ts"), "second"));

        publisher.withdraw();

        assertThat(objects.resolve("abc/360p0/0.ts")).doesNotExist();
        assertThat(objects.resolve("abc/360p0/1.ts")).doesNotExist();
        assertThat(publisher.remaining(List.of("360p0/0.ts", "360p0/1.ts")))
                .containsExactly("360p0/0.ts", "360p0/1.ts");
    }
}
