package dev.spool.c2pa;

import dev.spool.media.FfmpegBinaries;
import dev.spool.media.MediaPipeline;
import dev.spool.media.Mp4Mode;
import dev.spool.media.PipelineRequest;
import dev.spool.media.ProgressListener;
import dev.spool.media.SampleMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * What signing costs: the media pipeline (default ladder, static MP4s) on a generated source, then the C2PA signing
 * of every MP4 it wrote, timed apart, and signing as a share of the whole. Run it through {@code bench/c2pa.sh};
 * BENCH_SECONDS (60) and BENCH_SIZE (1280x720) set the source, BENCH_PRESET (veryfast) the x264 preset,
 * BENCH_DIR (target/bench-c2pa) where it works.
 */
public final class SigningBench {
    private SigningBench() {}

    public static void main(String[] args) throws Exception {
        double seconds = Double.parseDouble(System.getenv().getOrDefault("BENCH_SECONDS", "60"));
        String size = System.getenv().getOrDefault("BENCH_SIZE", "1280x720");
        String preset = System.getenv().getOrDefault("BENCH_PRESET", "veryfast");
        Path dir = Path.of(System.getenv().getOrDefault("BENCH_DIR", "target/bench-c2pa"))
                .toAbsolutePath();
        Files.createDirectories(dir);
        var binaries = FfmpegBinaries.locate(
                Optional.ofNullable(System.getenv("SPOOL_FFMPEG")),
                Optional.ofNullable(System.getenv("SPOOL_FFPROBE")),
                Path.of("target", "ffmpeg-cache"));
        Path source = SampleMedia.mp4(dir, "source.mp4", seconds, size);
        Path out = dir.resolve("out");

        long started = System.nanoTime();
        var result = new MediaPipeline(binaries)
                .run(
                        PipelineRequest.builder(source, out)
                                .mp4(Mp4Mode.ALL)
                                .preset(preset)
                                .build(),
                        ProgressListener.NONE);
        double pipeline = (System.nanoTime() - started) / 1e9;

        var signer = new Mp4Signer(SigningIdentity.selfSigned(dir));
        var provenance = new Provenance("bench", "source.mp4", "video/mp4", new byte[32], null);
        long bytes = 0;
        started = System.nanoTime();
        for (var mp4 : result.mp4s()) {
            Path file = out.resolve(mp4.path());
            bytes += Files.size(file);
            signer.sign(file, provenance);
        }
        double signing = (System.nanoTime() - started) / 1e9;

        System.out.printf(
                Locale.ROOT,
                "%.0f s %s source, preset %s: pipeline %.2f s; signing %d MP4s (%.1f MB) "
                        + "%.3f s (%.0f MB/s) = %.2f%% of the task%n",
                seconds,
                size,
                preset,
                pipeline,
                result.mp4s().size(),
                bytes / 1e6,
                signing,
                bytes / 1e6 / signing,
                100 * signing / (pipeline + signing));
    }
}
