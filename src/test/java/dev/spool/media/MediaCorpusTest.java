package dev.spool.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hard cases real uploads bring, built with the bundled ffmpeg and run through the default ladder;
 * every output must decode without errors, last as long as the source (within a frame), start audio and
 * video together, start every segment on a keyframe, hold what its playlist entries say, differ from
 * every other rendition and, as an MP4, start with its index. Tagged {@code corpus}: leave it out with
 * {@code -DexcludedGroups=corpus}; {@code -Dspool.corpus.preset=medium} runs it at the default preset
 * (veryfast otherwise).
 */
@Tag("corpus")
class MediaCorpusTest {

    private static final String PRESET = System.getProperty("spool.corpus.preset", "veryfast");

    @TempDir
    static Path sources;

    @TempDir
    Path out;

    private final MediaPipeline pipeline = new MediaPipeline(TestMedia.binaries());

    /** A source: its name and how to build it in a directory. */
    record Source(String name, Function<Path, Path> build) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> corpus() {
        return Stream.of(
                        new Source(
                                "cover art before the video",
                                dir -> TestMedia.coverArtFirst(small(dir), 400, dir.resolve("cover-first.mkv"))),
                        new Source(
                                "sparse frames",
                                dir -> TestMedia.video()
                                        .seconds(4)
                                        .size(160, 120)
                                        .fps(15)
                                        .filter("select='gte(n\\,17)*not(mod(n\\,20))+eq(n\\,59)'")
                                        .variableFrameRate()
                                        .codec("cinepak")
                                        .writeTo(dir.resolve("sparse.avi"))),
                        new Source(
                                "late audio",
                                dir -> TestMedia.video()
                                        .seconds(3)
                                        .size(320, 180)
                                        .audioLate(1)
                                        .writeTo(dir.resolve("late-audio.mp4"))),
                        new Source(
                                "late video",
                                dir -> TestMedia.video()
                                        .seconds(2.5)
                                        .size(320, 180)
                                        .videoLate(0.5)
                                        .writeTo(dir.resolve("late-video.mp4"))),
                        new Source(
                                "4K",
                                dir -> TestMedia.video()
                                        .seconds(1)
                                        .size(3840, 2160)
                                        .fps(10)
                                        .withAudio()
                                        .bitrate("800k")
                                        .writeTo(dir.resolve("4k.mp4"))),
                        new Source(
                                "5.1 audio",
                                dir -> TestMedia.video()
                                        .seconds(2)
                                        .size(320, 180)
                                        .withAudio()
                                        .audioChannels(6)
                                        .writeTo(dir.resolve("surround.mp4"))),
                        new Source(
                                "variable frame rate",
                                dir -> TestMedia.video()
                                        .seconds(3)
                                        .size(320, 180)
                                        .fps(30)
                                        .withAudio()
                                        .filter("select='lt(t\\,1.5)+not(mod(n\\,2))'")
                                        .variableFrameRate()
                                        .writeTo(dir.resolve("vfr.mp4"))),
                        new Source(
                                "high frame rate",
                                dir -> TestMedia.video()
                                        .seconds(1)
                                        .size(320, 180)
                                        .fps(120)
                                        .withAudio()
                                        .writeTo(dir.resolve("high-fps.mp4"))),
                        new Source(
                                "MPEG-TS named .mp4",
                                dir -> TestMedia.video()
                                        .seconds(2)
                                        .size(320, 180)
                                        .withAudio()
                                        .format("mpegts")
                                        .writeTo(dir.resolve("transport.mp4"))),
                        new Source(
                                "WebM named .mov",
                                dir -> TestMedia.video()
                                        .seconds(2)
                                        .size(320, 180)
                                        .withAudio()
                                        .codec("libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k")
                                        .audioCodec("libopus")
                                        .format("webm")
                                        .writeTo(dir.resolve("webm.mov"))))
                .map(Arguments::of);
    }

    private static Path small(Path dir) {
        Path file = dir.resolve("small.mp4");
        return Files.exists(file)
                ? file
                : TestMedia.video().seconds(2).size(320, 180).withAudio().writeTo(dir.resolve("small.mp4"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void givenAHardCase_whenRunWithTheDefaultLadder_thenEveryOutputIsWhole(Source source) throws Exception {
        Path input = source.build().apply(sources);

        PipelineResult result = pipeline.run(
                PipelineRequest.builder(input, out)
                        .preset(PRESET)
                        .segmentSeconds(2)
                        .build(),
                ProgressListener.NONE);

        double duration = result.inputSpec().timelineLength();
        HlsAssertions.assertPlayable(out, result, duration);
        Set<String> sizes = new HashSet<>();
        for (PipelineResult.HlsRendition rendition : result.renditions()) {
            assertThat(sizes.add(rendition.width() + "x" + rendition.height()))
                    .as("no second rendition at %dx%d", rendition.width(), rendition.height())
                    .isTrue();
            assertThat(rendition.frameRate())
                    .as("frame rate of " + rendition.name())
                    .isNotNull()
                    .isLessThanOrEqualTo(60.0);
            double frame = 1 / rendition.frameRate();
            Path playlist = out.resolve(rendition.playlist());
            assertDecodes(playlist);
            assertThat(MediaPlaylist.read(playlist).totalDuration())
                    .as("duration of " + rendition.name())
                    .isCloseTo(duration, within(frame + 0.001));
            if (result.inputSpec().audio().isPresent()) {
                // MPEG-TS has no edit list: AAC's priming samples (not played) sit before the first audible one
                assertThat(HlsAssertions.audioStartAfterVideo(playlist) + aacPriming(playlist))
                        .as("A/V start of " + rendition.name())
                        .isCloseTo(0, within(frame));
            }
        }
        assertThat(result.mp4s()).isNotEmpty();
        for (PipelineResult.Mp4Output mp4 : result.mp4s()) {
            Path file = out.resolve(mp4.path());
            assertDecodes(file);
            assertFastStart(file);
            ChildProcess.Result probed = TestMedia.ffprobe(
                    "-select_streams",
                    "v:0",
                    "-show_entries",
                    "stream=duration,r_frame_rate",
                    "-of",
                    "csv=p=0",
                    file.toString());
            String[] line = probed.stdout().strip().split(",");
            double frame = 1 / Fraction.parse(line[0]).value();
            assertThat(Double.parseDouble(line[1]))
                    .as("video duration of " + mp4.path())
                    .isCloseTo(duration, within(frame + 0.001));
            if (result.inputSpec().audio().isPresent()) {
                assertThat(HlsAssertions.audioVideoStartGap(file))
                        .as("A/V start of " + mp4.path())
                        .isLessThan(frame);
            }
        }
    }

    @Test
    void givenFastStartMp4CutInHalf_whenRun_thenRefusedAsTruncatedAndNothingPublished() throws Exception {
        Path whole = TestMedia.video()
                .seconds(4)
                .size(160, 90)
                .withAudio()
                .gop(25)
                .fastStart()
                .writeTo(sources.resolve("whole.mp4"));
        Path half = TestMedia.firstHalf(whole, sources.resolve("half.mp4"));

        assertThatThrownBy(() -> pipeline.run(
                        PipelineRequest.builder(half, out)
                                .preset(PRESET)
                                .segmentSeconds(2)
                                .build(),
                        ProgressListener.NONE))
                .isInstanceOfSatisfying(
                        MediaException.class, e -> assertThat(e.code()).isEqualTo("truncated"));
        assertThat(out).isEmptyDirectory();
    }

    /** The one AAC frame (1024 samples) the encoder puts before the audio. */
    private static double aacPriming(Path file) {
        ChildProcess.Result rate = TestMedia.ffprobe(
                "-select_streams", "a:0", "-show_entries", "stream=sample_rate", "-of", "csv=p=0", file.toString());
        return 1024
                / Double.parseDouble(rate.stdout().strip().lines().findFirst().orElseThrow());
    }

    private static void assertDecodes(Path file) {
        List<String> args = new ArrayList<>(List.of("-i", file.toString(), "-f", "null"));
        ChildProcess.Result decoded = decode(args);
        assertThat(decoded.ok() && decoded.stderrTail().isBlank())
                .as("%s decodes without errors: %s", file, decoded.stderrTail())
                .isTrue();
    }

    private static ChildProcess.Result decode(List<String> args) {
        List<String> cmd = new ArrayList<>(
                List.of(TestMedia.binaries().ffmpeg().toString(), "-hide_banner", "-nostdin", "-v", "error"));
        cmd.addAll(args);
        cmd.add("-");
        try {
            return ChildProcess.run(
                    cmd, TestMedia.binaries().environment(), null, null, java.time.Duration.ofMinutes(2));
        } catch (MediaException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** With faststart the moov box comes before mdat. */
    private static void assertFastStart(Path mp4) throws Exception {
        String text = new String(Files.readAllBytes(mp4), StandardCharsets.ISO_8859_1);
        assertThat(text.indexOf("moov")).as("%s starts with its index", mp4).isLessThan(text.indexOf("mdat"));
    }
}
