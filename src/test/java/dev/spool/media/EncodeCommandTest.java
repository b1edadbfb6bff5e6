package dev.spool.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EncodeCommandTest {

    private static final FfmpegBinaries BINARIES = new FfmpegBinaries(Path.of("ffmpeg"), Path.of("ffprobe"), "", true);
    private static final FfmpegBinaries NO_ZIMG = new FfmpegBinaries(Path.of("ffmpeg"), Path.of("ffprobe"), "", false);

    private static String zimg(int width, int height) {
        return "zscale=w=" + width + ":h=" + height
                + ":filter=bicubic:param_a=0:param_b=0.6:chromalin=center:chromal=center"
                + ",setparams=chroma_location=unspecified";
    }

    private static String filterGraph(VideoSpec spec, List<TranscodeProfile> profiles, boolean thumbnails)
            throws MediaException {
        return filterGraph(BINARIES, spec, profiles, thumbnails);
    }

    private static String filterGraph(
            FfmpegBinaries binaries, VideoSpec spec, List<TranscodeProfile> profiles, boolean thumbnails)
            throws MediaException {
        PipelineRequest request = PipelineRequest.builder(Path.of("in.mp4"), Path.of("out"))
                .profiles(profiles)
                .thumbnails(thumbnails)
                .build();
        List<Rendition> renditions = new LadderPlanner(Ladder.SPOOL).plan(spec, profiles);
        List<String> cmd = new EncodeCommand(binaries, request, spec, renditions, null)
                .build(new ChunkPlan.Chunk(0, 0, null, 0, 10), Set.of(), Prober.fileUrl(request.input()));
        return cmd.get(cmd.indexOf("-filter_complex") + 1);
    }

    /** The second of three chunks of {@code spec}'s default ladder, as the cluster's workers get it. */
    private static List<String> chunkCommand(FfmpegBinaries binaries, VideoSpec spec) throws MediaException {
        PipelineRequest request =
                PipelineRequest.builder(Path.of("in.mp4"), Path.of("out")).build();
        List<Rendition> renditions = new LadderPlanner(Ladder.SPOOL).plan(spec, List.of());
        return new EncodeCommand(binaries, request, spec, renditions, null)
                .buildVideo(new ChunkPlan.Chunk(1, 6, 6.0, 1, 6), ChunkRunner.INPUT);
    }

    @Test
    void givenDefaultLadderOf1080pSource_whenBuilt_then360pIsScaledFromThe720pPicture() throws Exception {
        String graph = filterGraph(Specs.video(1920, 1080, 8_000_000L), List.of(), true);

        // zimg resizes; the rung at the source's size goes through the scale filter, which passes it as it is
        assertThat(graph)
                .isEqualTo("[0:0]split=3[s0][s1][s2]"
                        + ";[s0]" + zimg(1280, 720) + ",setsar=1,format=yuv420p,split=2[v1][t0]"
                        + ";[s1]scale=1920:1080,setsar=1,format=yuv420p[v2]"
                        + ";[t0]" + zimg(640, 360) + ",setsar=1,format=yuv420p[v0]"
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
                        + ";[s0]" + zimg(1280, 720) + ",setsar=1,format=yuv420p[v0]"
                        + ";[s1]" + zimg(854, 480) + ",setsar=1,format=yuv420p[v1]");
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
                        + ";[s1]fps=15/1," + zimg(640, 360) + ",setsar=1,format=yuv420p[v1]");
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
                        + ";[t1]" + zimg(1920, 1080) + ",setsar=1,format=yuv420p,split=2[v1][t2]"
                        + ";[t2]" + zimg(960, 540) + ",setsar=1,format=yuv420p[v2]");
    }

    @Test
    void givenFfmpegWithoutZscale_whenBuilt_thenTheScaleFilterResizesEveryRung() throws Exception {
        String graph = filterGraph(NO_ZIMG, Specs.video(1920, 1080, 8_000_000L), List.of(), false);

        assertThat(graph)
                .isEqualTo("[0:0]split=2[s0][s1]"
                        + ";[s0]scale=1280:720,setsar=1,format=yuv420p,split=2[v1][t0]"
                        + ";[s1]scale=1920:1080,setsar=1,format=yuv420p[v2]"
                        + ";[t0]scale=640:360,setsar=1,format=yuv420p[v0]");
    }

    @Test
    void givenAChunksCommandBuiltWithZimg_whenMadeForAWorkerWithout_thenItIsTheCommandBuiltWithout() throws Exception {
        // a 4K source: rungs resized from the source, one passed through, others from another rung's picture
        VideoSpec spec = Specs.video(3840, 2160, 20_000_000L);

        List<String> withZimg = chunkCommand(BINARIES, spec);
        List<String> madeForIt =
                withZimg.stream().map(EncodeCommand::withoutZimg).toList();

        assertThat(String.join(" ", withZimg)).contains("zscale");
        assertThat(madeForIt).isEqualTo(chunkCommand(NO_ZIMG, spec));
    }

    @Test
    void givenTenBitSource_whenBuilt_thenTheScaleFilterConvertsItAndZimgResizesTheConvertedPicture() throws Exception {
        String graph =
                filterGraph(Specs.video("h264", 1920, 1080, 8_000_000L, 30.0, 0, "yuv420p10le"), List.of(), false);

        assertThat(graph)
                .isEqualTo("[0:0]split=2[s0][s1]"
                        + ";[s0]scale=1280:720,setsar=1,format=yuv420p,split=2[v1][t0]"
                        + ";[s1]scale=1920:1080,setsar=1,format=yuv420p[v2]"
                        + ";[t0]" + zimg(640, 360) + ",setsar=1,format=yuv420p[v0]");
    }

    @Test
    void givenOddSizedSource_whenBuilt_thenTheScaleFilterResizesIt() throws Exception {
        // zimg refuses 4:2:0 pictures of odd sizes
        String graph = filterGraph(
                Specs.video(1281, 721, 3_000_000L), List.of(TranscodeProfile.of("a", 640, 360, 1_000_000)), false);

        assertThat(graph).isEqualTo("[0:0]split=1[s0];[s0]scale=640:360,setsar=1,format=yuv420p[v0]");
    }

    @Test
    void givenRotatedSource_whenBuilt_thenTheRungAtItsUprightSizePassesThroughTheScaleFilter() throws Exception {
        // a phone's portrait video: stored 1920x1080, shown turned a quarter; ffmpeg turns the frames first
        String graph = filterGraph(
                Specs.video("h264", 1920, 1080, 8_000_000L, 30.0, 90),
                List.of(
                        TranscodeProfile.of("full", 1080, 1920, 5_000_000),
                        TranscodeProfile.of("small", 720, 1280, 2_000_000)),
                false);

        assertThat(graph)
                .isEqualTo("[0:0]split=2[s0][s1]"
                        + ";[s0]scale=1080:1920,setsar=1,format=yuv420p[v0]"
                        + ";[s1]" + zimg(720, 1280) + ",setsar=1,format=yuv420p[v1]");
    }
}
