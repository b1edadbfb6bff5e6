package dev.spool.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which heads let the encode start before the file is whole: only an MP4 whose index comes before its media. */
class ArrivalOrderTest {

    @Test
    void givenTheBoxesOfAnMp4_thenOnlyAnIndexBeforeTheMediaIsReadableFromTheStart() {
        assertThat(ArrivalOrder.readableFromTheStart(boxes(box("ftyp", 24), box("moov", 900), box("mdat", 5000))))
                .isTrue();
        assertThat(ArrivalOrder.readableFromTheStart(
                        boxes(box("ftyp", 24), box("free", 8), box("wide", 8), box("moov", 900))))
                .isTrue();
        assertThat(ArrivalOrder.readableFromTheStart(boxes(box("ftyp", 24), box("mdat", 5000))))
                .isFalse();
        assertThat(ArrivalOrder.readableFromTheStart(boxes(box("ftyp", 24), largeBox("mdat", 1L << 33))))
                .isFalse();
    }

    @Test
    void givenAHeadThatDoesNotDecide_thenTheWholeFileIsAwaited() {
        assertThat(ArrivalOrder.readableFromTheStart(new byte[0])).isFalse();
        assertThat(ArrivalOrder.readableFromTheStart(boxes(box("ftyp", 24), box("uuid", 1 << 20))))
                .as("a box reaching past the head")
                .isFalse();
        assertThat(ArrivalOrder.readableFromTheStart(boxes(box("ftyp", 3))))
                .as("a size smaller than a box header")
                .isFalse();
        assertThat(ArrivalOrder.readableFromTheStart(
                        "#EXTM3U\nthese are not boxes at all\n".getBytes(StandardCharsets.US_ASCII)))
                .isFalse();
    }

    @Test
    void givenFilesFfmpegWrote_thenFastStartIsReadableFromTheStartAndTheDefaultLayoutIsNot(@TempDir Path dir)
            throws Exception {
        Path fastStart = TestMedia.video().fastStart().writeTo(dir.resolve("fast.mp4"));
        Path indexLast = TestMedia.video().writeTo(dir.resolve("last.mp4"));
        Path mpegTs = TestMedia.video().format("mpegts").writeTo(dir.resolve("stream.ts"));

        assertThat(ArrivalOrder.readableFromTheStart(head(fastStart))).isTrue();
        assertThat(ArrivalOrder.readableFromTheStart(head(indexLast))).isFalse();
        assertThat(ArrivalOrder.readableFromTheStart(head(mpegTs))).isFalse();
    }

    private static byte[] head(Path file) throws Exception {
        byte[] all = Files.readAllBytes(file);
        return Arrays.copyOf(all, Math.min(all.length, ArrivalOrder.HEAD_BYTES));
    }

    private static byte[] box(String type, int size) {
        ByteBuffer box = ByteBuffer.allocate(Math.max(size, 8));
        box.putInt(size).put(type.getBytes(StandardCharsets.ISO_8859_1));
        return box.array();
    }

    private static byte[] largeBox(String type, long size) {
        return ByteBuffer.allocate(16)
                .putInt(1)
                .put(type.getBytes(StandardCharsets.ISO_8859_1))
                .putLong(size)
                .array();
    }

    /** The boxes one after another, cut to what a head holds. */
    private static byte[] boxes(byte[]... boxes) {
        var out = new ByteArrayOutputStream();
        for (byte[] box : boxes) {
            out.writeBytes(box);
        }
        byte[] all = out.toByteArray();
        return Arrays.copyOf(all, Math.min(all.length, ArrivalOrder.HEAD_BYTES));
    }
}
