package dev.spool.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("media")
class PipelineFailureTest {

    @TempDir
    static Path sources;

    private static Path valid;

    @TempDir
    Path out;

    private final MediaPipeline pipeline = new MediaPipeline(TestMedia.binaries());

    @BeforeAll
    static void generate() {
        valid = TestMedia.video().seconds(2).size(320, 180).withAudio().writeTo(sources.resolve("valid.mp4"));
    }

    private void assertRejected(Path input, String code, String messagePart) {
        assertRejected(PipelineRequest.builder(input, out).preset("ultrafast").build(), code, messagePart);
    }

    private void assertRejected(PipelineRequest request, String code, String messagePart) {
        assertThatThrownBy(() -> pipeline.run(request, ProgressListener.NONE))
                .isInstanceOfSatisfying(MediaException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).contains(messagePart);
                });
        assertThat(out).isEmptyDirectory();
    }

    @Test
    void givenEmptyFile_whenRun_thenEmptyFile() {
        assertRejected(TestMedia.write(sources.resolve("empty.mp4"), new byte[0]), "empty_file", "empty");
    }

    @Test
    void givenTextFile_whenRun_thenNotMedia() {
        assertRejected(
                TestMedia.write(sources.resolve("notes.txt"), "hello\n".getBytes()), "not_media", "not a media file");
    }

    @Test
    void givenMp4CutInHalf_whenRun_thenTruncated() throws Exception {
        byte[] bytes = Files.readAllBytes(valid);
        assertRejected(
                TestMedia.write(sources.resolve("half.mp4"), Arrays.copyOf(bytes, bytes.length / 2)),
                "truncated",
                "incomplete");
    }

    @Test
    void givenFastStartMp4CutInHalf_whenRun_thenTruncatedInsteadOfPublishedAtHalfLength() throws Exception {
        // a keyframe every second: reading the last seconds then seeks past the end and finds nothing at all
        Path whole = TestMedia.video()
                .seconds(8)
                .size(160, 90)
                .withAudio()
                .gop(25)
                .fastStart()
                .writeTo(sources.resolve("whole-faststart.mp4"));
        Path half = TestMedia.firstHalf(whole, sources.resolve("half-faststart.mp4"));

        assertRejected(
                PipelineRequest.builder(half, out)
                        .preset("ultrafast")
                        .segmentSeconds(2)
                        .thumbnails(false)
                        .build(),
                "truncated",
                "incomplete");
    }

    @Test
    void givenSubtitlesOnly_whenRun_thenNoStreams() throws Exception {
        Path srt = Files.writeString(sources.resolve("only.srt"), "1\n00:00:00,000 --> 00:00:01,000\nhi\n");
        assertRejected(
                TestMedia.ffmpeg(sources.resolve("only.mkv"), List.of("-i", srt.toString())),
                "no_streams",
                "no video and no audio");
    }

    @Test
    void givenProresVideo_whenRun_thenUnsupportedCodec() {
        Path prores = TestMedia.video()
                .seconds(0.2)
                .size(64, 64)
                .fps(10)
                .codec("prores_ks")
                .writeTo(sources.resolve("prores.mov"));
        assertRejected(prores, "unsupported_codec", "prores is not supported");
    }

    @Test
    void givenTinyPicture_whenRun_thenInvalidDimensions() {
        Path tiny =
                TestMedia.video().seconds(0.5).size(8, 8).fps(10).codec("ffv1").writeTo(sources.resolve("tiny.mkv"));
        assertRejected(tiny, "invalid_dimensions", "8x8");
    }

    @Test
    void givenInputAboveTheLimit_whenRun_thenTooLarge() {
        assertRejected(PipelineRequest.builder(valid, out).maxInputBytes(1000).build(), "too_large", "at most");
    }

    @Test
    void givenRunningEncode_whenThreadInterrupted_thenFfmpegKilledQuicklyAndNothingLeft() throws Exception {
        Path longer = TestMedia.video().seconds(20).size(640, 360).withAudio().writeTo(sources.resolve("longer.mp4"));
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread worker = Thread.ofPlatform().start(() -> {
            try {
                pipeline.run(
                        PipelineRequest.builder(longer, out).preset("medium").build(), fraction -> {
                            if (fraction > 0) {
                                started.countDown();
                            }
                        });
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        assertThat(started.await(60, TimeUnit.SECONDS)).as("encoding started").isTrue();
        List<ProcessHandle> ffmpeg = ProcessHandle.current()
                .descendants()
                .filter(p -> p.info().command().orElse("").endsWith("ffmpeg"))
                .toList();
        assertThat(ffmpeg).isNotEmpty();

        long before = System.nanoTime();
        worker.interrupt();
        worker.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(worker.isAlive()).isFalse();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before)).isLessThan(2_500);
        assertThat(failure.get()).isInstanceOf(InterruptedException.class);
        assertThat(ffmpeg).noneMatch(ProcessHandle::isAlive);
        assertThat(out).isEmptyDirectory();
    }

    @Test
    void givenProgressListener_whenRun_thenFractionsRiseAtMostEvery500msAndEndAtOne() throws Exception {
        Path six = TestMedia.video().seconds(6).size(640, 360).writeTo(sources.resolve("six.mp4"));
        List<long[]> calls = Collections.synchronizedList(new ArrayList<>());
        List<Double> values = Collections.synchronizedList(new ArrayList<>());

        pipeline.run(
                PipelineRequest.builder(six, out)
                        .preset("veryfast")
                        .mp4(Mp4Mode.NONE)
                        .build(),
                f -> {
                    calls.add(new long[] {System.nanoTime()});
                    values.add(f);
                });

        assertThat(values).isSorted().last().isEqualTo(1.0);
        assertThat(values).allSatisfy(v -> assertThat(v).isBetween(0.0, 1.0));
        for (int i = 1; i < calls.size() - 1; i++) {
            assertThat(calls.get(i)[0] - calls.get(i - 1)[0])
                    .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
        }
    }
}
