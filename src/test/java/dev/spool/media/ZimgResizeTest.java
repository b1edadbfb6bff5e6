package dev.spool.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renditions are resized by zimg where it makes the scale filter's picture for less CPU, labelled as the scale filter
 * labels them; an ffmpeg that cannot resize with zimg, a server's or a cluster worker's, encodes with the scale filter.
 */
@Tag("media")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ZimgResizeTest {

    private static final Pattern AVERAGE = Pattern.compile("PSNR y:\\S+ u:\\S+ v:\\S+ average:(\\S+)");

    @TempDir
    static Path sources;
    /** 2 s, 1280x720, H.264 + AAC: two rungs, the second read from the first. */
    private static Path hd;
    /** 2 s, 1280x720, VP9 + Opus in WebM, whose chroma location is unspecified. */
    private static Path vp9;
    /** The bundled ffmpeg without zscale, as one built without libzimg. */
    private static FfmpegBinaries withoutZscale;
    /** The bundled ffmpeg whose setparams cannot set the chroma location, as before ffmpeg 7.1. */
    private static FfmpegBinaries withoutChromaLocation;

    @TempDir
    Path out;

    @BeforeAll
    static void generate() throws Exception {
        hd = TestMedia.video().seconds(2).size(1280, 720).fps(30).withAudio().writeTo(sources.resolve("hd.mp4"));
        vp9 = TestMedia.video()
                .seconds(2)
                .size(1280, 720)
                .fps(30)
                .withAudio()
                .codec("libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "1M")
                .audioCodec("libopus")
                .format("webm")
                .writeTo(sources.resolve("vp9.webm"));
        withoutZscale = hiding("zscale");
        withoutChromaLocation = hiding("chroma_location");
    }

    @Test
    void givenBundledFfmpeg_whenLocated_thenItResizesWithZimg() {
        assertThat(TestMedia.binaries().zimgResize()).isTrue();
    }

    @Test
    void givenFfmpegWithoutZscaleOrWithAnOlderSetparams_whenLocated_thenItDoesNot() {
        assertThat(withoutZscale.zimgResize()).isFalse();
        assertThat(withoutChromaLocation.zimgResize()).isFalse();
    }

    @Test
    void givenProgressive420Source_whenZimgResizes_thenThePictureIsTheScaleFilters() throws Exception {
        // testsrc2's sharp coloured edges show any change of kernel or chroma siting: zimg's default bicubic gives 61
        // dB here, its reading of the chroma label 46 dB, lanczos 54 dB
        String graph = "[0:v]split[a][b];[a]scale=640:360[ref];[b]" + EncodeCommand.zimgResize(640, 360)
                + "[zimg];[zimg][ref]psnr";

        ChildProcess.Result result = ChildProcess.run(
                List.of(
                        TestMedia.binaries().ffmpeg().toString(),
                        "-hide_banner",
                        "-nostdin",
                        "-i",
                        hd.toString(),
                        "-lavfi",
                        graph,
                        "-f",
                        "null",
                        "-"),
                TestMedia.binaries().environment(),
                null,
                null,
                Duration.ofMinutes(2));

        assertThat(result.ok()).as(result.stderrTail()).isTrue();
        Matcher psnr = AVERAGE.matcher(result.stderrTail());
        assertThat(psnr.find()).as(result.stderrTail()).isTrue();
        assertThat(Double.parseDouble(psnr.group(1))).isGreaterThan(64);
    }

    @Test
    void givenVp9SourceWithoutChromaLabel_whenLadderEncoded_thenEveryRungIsLabelledAsTheScaleFilterLabelsIt()
            throws Exception {
        Path scaled = Files.createDirectories(out.resolve("scale-filter"));
        Path zimg = Files.createDirectories(out.resolve("zimg"));

        PipelineResult byScaleFilter =
                new MediaPipeline(withoutZscale).run(request(vp9, scaled), ProgressListener.NONE);
        PipelineResult byZimg = new MediaPipeline(TestMedia.binaries()).run(request(vp9, zimg), ProgressListener.NONE);

        assertThat(byZimg.renditions())
                .extracting(PipelineResult.HlsRendition::name)
                .containsExactlyInAnyOrder("360p0", "720p0");
        HlsAssertions.assertPlayable(zimg, byZimg, 2.0);
        assertThat(byScaleFilter.renditions()).hasSameSizeAs(byZimg.renditions());
        for (String rung : List.of("360p0", "720p0")) {
            Path segment = Path.of(rung, "0.ts");
            assertThat(HlsAssertions.videoStreamLine(zimg.resolve(segment), "chroma_location"))
                    .as(rung)
                    .isEqualTo(HlsAssertions.videoStreamLine(scaled.resolve(segment), "chroma_location"));
        }
    }

    @Test
    void givenFfmpegWithoutZimg_whenLadderEncoded_thenTheScaleFilterResizesIt() throws Exception {
        for (FfmpegBinaries binaries : List.of(withoutZscale, withoutChromaLocation)) {
            Path dir = Files.createDirectories(out.resolve(binaries.ffmpeg().getFileName()));

            PipelineResult result = new MediaPipeline(binaries).run(request(hd, dir), ProgressListener.NONE);

            assertThat(result.renditions())
                    .extracting(PipelineResult.HlsRendition::name)
                    .containsExactlyInAnyOrder("360p0", "720p0");
            HlsAssertions.assertPlayable(dir, result, 2.0);
        }
    }

    @Test
    void givenClusterWorkerWithoutZimg_whenItEncodesChunksBuiltWithZimg_thenTheyEncodeAndJoin() throws Exception {
        Path source =
                TestMedia.video().seconds(6).size(1280, 720).fps(10).withAudio().writeTo(out.resolve("six.mp4"));
        ChunkEncoder worker = new ChunkEncoder(withoutZscale);
        int[] chunks = {0};
        ChunkRunner runner = (input, sha256, work, jobs, progress) -> {
            for (ChunkRunner.Job job : jobs) {
                worker.encode(job, input, work, fraction -> progress.chunk(job.index(), fraction));
                chunks[0]++;
            }
        };
        PipelineRequest chunked = PipelineRequest.builder(source, out.resolve("joined"))
                .preset("ultrafast")
                .segmentSeconds(2)
                .chunking(2, 2)
                .build();

        PipelineResult result = new MediaPipeline(TestMedia.binaries())
                .run(chunked, ProgressListener.NONE, SegmentListener.NONE, runner);

        assertThat(chunks[0]).isGreaterThan(1);
        HlsAssertions.assertPlayable(out.resolve("joined"), result, 6.0);
    }

    /**
     * The bundled ffmpeg behind a script that leaves lines naming {@code hidden} out of its filter list and help, and
     * fails any command naming it, as an ffmpeg without it would.
     */
    private static FfmpegBinaries hiding(String hidden) throws Exception {
        Path bundled = TestMedia.binaries().ffmpeg().getParent();
        String libraries = "export LD_LIBRARY_PATH='" + bundled + "'${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}\n";
        Path ffmpeg =
                script("ffmpeg-without-" + hidden, libraries + """
                for arg; do
                    case "$arg" in *%s*) echo "No such filter or option: '%s'" >&2; exit 1;; esac
                done
                case "$2" in -filters|-h)
                    '%s/ffmpeg' "$@" | grep -v '%s'
                    exit 0;;
                esac
                exec '%s/ffmpeg' "$@"
                """.formatted(hidden, hidden, bundled, hidden, bundled));
        Path ffprobe = script("ffprobe-beside-it", libraries + "exec '" + bundled + "/ffprobe' \"$@\"\n");
        return FfmpegBinaries.locate(
                Optional.of(ffmpeg.toString()), Optional.of(ffprobe.toString()), sources.resolve("unused"));
    }

    private static Path script(String name, String body) throws Exception {
        Path script = sources.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private static PipelineRequest request(Path input, Path output) {
        return PipelineRequest.builder(input, output)
                .preset("ultrafast")
                .segmentSeconds(2)
                .build();
    }
}
