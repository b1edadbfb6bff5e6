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
        valid = TestMedia.generate(
                sources,
                "valid.mp4",
                2,
                "320x180",
                25,
                true,
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-c:a",
                "aac",
                "-shortest");
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
        Path whole = TestMedia.generate(
                sources,
                "whole-faststart.mp4",
                8,
                "160x90",
                25,
                true,
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-g",
                "25",
                "-c:a",
                "aac",
                "-shortest",
                "-movflags",
                "+faststart");
        byte[] bytes = Files.readAllBytes(whole);
        Path half = TestMedia.write(sources.resolve("half-faststart.mp4"), Arrays.copyOf(bytes, bytes.length / 2));

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
        Path prores = TestMedia.generate(sources, "prores.mov", 0.2, "64x64", 10, false, "-c:v", "prores_ks");
        assertRejected(prores, "unsupported_codec", "prores is not supported");
    }

    @Test
    void givenTinyPicture_whenRun_thenInvalidDimensions() {
        Path tiny = TestMedia.generate(sources, "tiny.mkv", 0.5, "8x8", 10, false, "-c:v", "ffv1");
        assertRejected(tiny, "invalid_dimensions", "8x8");
    }

    @Test
    void givenInputAboveTheLimit_whenRun_thenTooLarge() {
        assertRejected(PipelineRequest.builder(valid, out).maxInputBytes(1000).build(), "too_large", "at most");
    }

    @Test
    void givenRunningEncode_whenThreadInterrupted_thenFfmpegKilledQuicklyAndNothingLeft() throws Exception {
        Path longer = TestMedia.generate(
                sources,
                "longer.mp4",
                20,
                "640x360",
                25,
                true,
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-c:a",
                "aac",
                "-shortest");
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
        Path six = TestMedia.generate(
                sources, "six.mp4", 6, "640x360", 25, false, "-c:v", "libx264", "-preset", "ultrafast");
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
