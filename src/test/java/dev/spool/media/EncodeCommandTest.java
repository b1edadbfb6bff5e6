package dev.spool.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EncodeCommandTest {

    private static final FfmpegBinaries BINARIES = new FfmpegBinaries(Path.of("ffmpeg"), Path.of("ffprobe"), "");

    private static String filterGraph(VideoSpec spec, List<TranscodeProfile> profiles, boolean thumbnails)
            throws MediaException {
        PipelineRequest request = PipelineRequest.builder(Path.of("in.mp4"), Path.of("out"))
                .profiles(profiles)
                .thumbnails(thumbnails)
                .build();
        List<Rendition> renditions = new LadderPlanner(Ladder.SPOOL).plan(spec, profiles);
        List<String> cmd = new EncodeCommand(BINARIES, request, spec, renditions, null)
                .build(new ChunkPlan.Chunk(0, 0, null, 0, 10), Set.of(), Prober.fileUrl(request.input()));
        return cmd.get(cmd.indexOf("-filter_complex") + 1);
    }

    @Test
    void givenDefaultLadderOf1080pSource_whenBuilt_then360pIsScaledFromThe720pPicture() throws Exception {
        String graph = filterGraph(Specs.video(1920, 1080, 8_000_000L), List.of(), true);

        assertThat(graph)
                .isEqualTo("[0:0]split=3[s0][s1][s2]"
                        + ";[s0]scale=1280:720,setsar=1,format=yuv420p,split=2[v1][t0]"
                        + ";[s1]scale=1920:1080,setsar=1,format=yuv420p[v2]"
                        + ";[t0]scale=640:360,setsar=1,format=yuv420p[v0]"
                        + ";[s2]select='gte(t,selected_n*6)',scale=640:360,setsar=1[thumbs]");
    }

    @Test
    void givenRungsLessThanTwiceApart_whenBuilt_thenEachIsScaledFromTheSource() throws Exception {
        String graph = filterGraph(
                Specs.video(1920, 1080, 8_000_000L),
                List.of(TranscodeProfile.of("a", 1280, 720, 3_000_000), TranscodeProfile.of("b", 854, 480, 1_500_000)),
                false);

        assertThat(graph)
                .isEqualTo("[0:0]split=2[s0][s1]"
                        + ";[s0]scale=1280:720,setsar=1,format=yuv420p[v0]"
                        + ";[s1]scale=854:480,setsar=1,format=yuv420p[v1]");
    }

    @Test
    void givenSmallRungAtAnotherFrameRate_whenBuilt_thenItIsScaledFromTheSource() throws Exception {
        String graph = filterGraph(
                Specs.video(1920, 1080, 8_000_000L),
                List.of(
                        TranscodeProfile.of("big", 1920, 1080, 5_000_000),
                        TranscodeProfile.of("small", 640, 360, 600_000).withFps(15, 1)),
                false);

        assertThat(graph)
                .isEqualTo("[0:0]split=2[s0][s1]"
                        + ";[s0]scale=1920:1080,setsar=1,format=yuv420p[v0]"
                        + ";[s1]fps=15/1,scale=640:360,setsar=1,format=yuv420p[v1]");
    }

    @Test
    void givenThreeRungsEachHalfTheNext_whenBuilt_thenEachReadsTheNextLargerPicture() throws Exception {
        String graph = filterGraph(
                Specs.video(3840, 2160, 20_000_000L),
                List.of(
                        TranscodeProfile.of("uhd", 3840, 2160, 12_000_000),
                        TranscodeProfile.of("hd", 1920, 1080, 5_000_000),
                        TranscodeProfile.of("sd", 960, 540, 1_500_000)),
                false);

        assertThat(graph)
                .isEqualTo("[0:0]split=1[s0]"
                        + ";[s0]scale=3840:2160,setsar=1,format=yuv420p,split=2[v0][t1]"
                        + ";[t1]scale=1920:1080,setsar=1,format=yuv420p,split=2[v1][t2]"
                        + ";[t2]scale=960:540,setsar=1,format=yuv420p[v2]");
    }
}
