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
 * Renditions are resized by zimg where it makes the scale filter's picture for less CPU, keep the source's chroma
 * label, and an ffmpeg without zimg still encodes the ladder with the scale filter.
 */
@Tag("media")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ZimgResizeTest {

    private static final Pattern AVERAGE = Pattern.compile("PSNR y:\\S+ u:\\S+ v:\\S+ average:(\\S+)");

    @TempDir
    static Path sources;
    /** 2 s, 1280x720, H.264 (chroma sited left, as x264 says) + AAC: two rungs, the second read from the first. */
    private static Path hd;

    @TempDir
    Path out;

    @BeforeAll
    static void generate() {
        hd = TestMedia.video().seconds(2).size(1280, 720).fps(30).withAudio().writeTo(sources.resolve("hd.mp4"));
    }

    @Test
    void givenBundledFfmpeg_whenLocated_thenItHasZimg() {
        assertThat(TestMedia.binaries().zscale()).isTrue();
    }

    @Test
    void givenProgressive420Source_whenZimgResizes_thenThePictureIsTheScaleFilters() throws Exception {
        // testsrc2's sharp coloured edges show any difference of kernel or chroma siting (zimg's own bicubic, or its
        // reading of the "left" label, gives 45-52 dB here)
        String graph = "[0:v]split[a][b];[a]scale=640:360[ref];[b]" + EncodeCommand.zimgResize(640, 360, "left")
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
        assertThat(Double.parseDouble(psnr.group(1))).isGreaterThan(60);
    }

    @Test
    void givenLeftSitedHdSource_whenLadderEncoded_thenEveryRungKeepsTheSourcesChromaLabel() throws Exception {
        assertThat(HlsAssertions.videoStreamLine(hd, "chroma_location")).containsExactly("left");

        PipelineResult result = new MediaPipeline(TestMedia.binaries()).run(request(hd, out), ProgressListener.NONE);

        assertThat(result.renditions())
                .extracting(PipelineResult.HlsRendition::name)
                .containsExactlyInAnyOrder("360p0", "720p0");
        HlsAssertions.assertPlayable(out, result, 2.0);
        for (String rung : List.of("360p0", "720p0")) {
            assertThat(HlsAssertions.videoStreamLine(out.resolve(rung).resolve("0.ts"), "chroma_location"))
                    .as(rung)
                    .containsExactly("left");
        }
    }

    @Test
    void givenFfmpegWithoutZscale_whenLadderEncoded_thenTheScaleFilterResizesIt() throws Exception {
        // given: the bundled ffmpeg behind a script that hides zscale from its filter list and fails any command
        // naming it, as an ffmpeg built without libzimg would
        Path bundled = TestMedia.binaries().ffmpeg().getParent();
        String libraries = "export LD_LIBRARY_PATH='" + bundled + "'${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}\n";
        Path ffmpeg = script("ffmpeg-without-zimg", libraries + """
                for arg; do
                    case "$arg" in *zscale*) echo "No such filter: 'zscale'" >&2; exit 1;; esac
                done
                if [ "$2" = -filters ]; then
                    '%s/ffmpeg' "$@" | grep -v ' zscale '
                    exit 0
                fi
                exec '%s/ffmpeg' "$@"
                """.formatted(bundled, bundled));
        Path ffprobe = script("ffprobe-beside-it", libraries + "exec '" + bundled + "/ffprobe' \"$@\"\n");
        FfmpegBinaries withoutZimg = FfmpegBinaries.locate(
                Optional.of(ffmpeg.toString()), Optional.of(ffprobe.toString()), sources.resolve("unused"));
        assertThat(withoutZimg.zscale()).isFalse();

        PipelineResult result = new MediaPipeline(withoutZimg).run(request(hd, out), ProgressListener.NONE);

        assertThat(result.renditions())
                .extracting(PipelineResult.HlsRendition::name)
                .containsExactlyInAnyOrder("360p0", "720p0");
        HlsAssertions.assertPlayable(out, result, 2.0);
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
