package dev.spool.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.spool.testing.TestVideos;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineRangeTest {
    private static final int FPS = 30;
    private static final double ONE_FRAME = 1.0 / FPS;

    @TempDir
    static Path sources;
    /** 60 s whose frames show their number; keyframes every 10 s. */
    private static Path numbered;

    @TempDir
    Path out;

    private final MediaPipeline pipeline = new MediaPipeline(TestMedia.binaries());

    @BeforeAll
    static void generate() {
        numbered = TestVideos.numbered(sources.resolve("numbered.mp4"), 60, FPS);
    }

    private PipelineResult clip(double start, double end) throws Exception {
        return pipeline.run(
                PipelineRequest.builder(numbered, out)
                        .preset("ultrafast")
                        .segmentSeconds(2)
                        .range(new InputRange(start, end))
                        .build(),
                ProgressListener.NONE);
    }

    @Test
    void givenRangeBetweenKeyframes_whenRun_thenFirstFrameIsTheSourceFrameAtStartAndLengthIsTheRange()
            throws Exception {
        PipelineResult result = clip(13.5, 18.5);

        String mp4 = out.resolve(result.mp4s().get(0).path()).toString();
        assertThat(TestVideos.frameNumber(mp4, out)).isBetween(404, 406);
        assertThat(TestVideos.videoFrames(mp4)).isBetween(149, 151);
        String hls = out.resolve(result.masterPlaylist()).toString();
        assertThat(TestVideos.frameNumber(hls, out)).isBetween(404, 406);
        assertThat(result.inputSpec().duration()).isCloseTo(5.0, within(ONE_FRAME));
        HlsAssertions.assertPlayable(out, result, 5.0);
    }

    @Test
    void givenRange_whenRun_thenAudioStartsAndEndsWithTheVideo() throws Exception {
        PipelineResult result = clip(20.25, 23.25);

        String mp4 = out.resolve(result.mp4s().get(0).path()).toString();
        double[] video = TestVideos.streamTimes(mp4, "v");
        double[] audio = TestVideos.streamTimes(mp4, "a");
        assertThat(audio[0]).isCloseTo(video[0], within(ONE_FRAME));
        assertThat(audio[1]).isCloseTo(3.0, within(ONE_FRAME + 0.03));
        assertThat(video[1]).isCloseTo(3.0, within(ONE_FRAME));
    }

    @Test
    void givenRange_whenRun_thenSizeAndHashesAreTheLargestMp4s() throws Exception {
        PipelineResult result = clip(1, 3);

        PipelineResult.Mp4Output largest = result.mp4s().stream()
                .max(java.util.Comparator.comparingInt(PipelineResult.Mp4Output::width))
                .orElseThrow();
        assertThat(result.inputSize()).isEqualTo(Files.size(out.resolve(largest.path())));
        assertThat(result.inputSize()).isLessThan(Files.size(numbered));
        assertThat(result.sha256()).isEqualTo(MediaPipelineTest.hash("SHA-256", out.resolve(largest.path())));
    }

    @Test
    void givenRangePastTheEnd_whenRun_thenItStopsAtTheEnd() throws Exception {
        PipelineResult result = clip(58, 70);

        assertThat(result.inputSpec().duration()).isCloseTo(2.0, within(ONE_FRAME));
        assertThat(TestVideos.videoFrames(
                        out.resolve(result.mp4s().get(0).path()).toString()))
                .isBetween(59, 61);
    }

    @Test
    void givenRangeStartingAfterTheEnd_whenRun_thenUnretriableBadInput() {
        assertThatThrownBy(() -> clip(61, 65)).isInstanceOfSatisfying(MediaException.class, e -> {
            assertThat(e.code()).isEqualTo("range_outside_input");
            assertThat(e.retriable()).isFalse();
            assertThat(e.getMessage()).contains("61 s").contains("60 s");
        });
    }
}
