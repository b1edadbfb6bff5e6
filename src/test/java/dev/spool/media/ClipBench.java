package dev.spool.media;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;

/**
 * What a clip costs against importing a file as long as the clip, in one run: a {@code BENCH_CLIP_SECONDS} (10) clip
 * from the middle of a {@code BENCH_LONG_SECONDS} (600) 720p30 source, and a {@code BENCH_CLIP_SECONDS} 720p30 file
 * through the whole pipeline. Each side first copies its source into a fresh work directory, as the clip and upload
 * tasks copy theirs out of the object store. Run it through {@code bench/clip.sh}; BENCH_PRESET (medium),
 * BENCH_REPEAT (1) and BENCH_DIR (target/bench, sources kept and reused) as for {@code bench/ladder.sh}.
 */
public final class ClipBench {
    private ClipBench() {}

    public static void main(String[] args) throws Exception {
        double clipSeconds = LadderBench.number("BENCH_CLIP_SECONDS", 10);
        double longSeconds = LadderBench.number("BENCH_LONG_SECONDS", 600);
        String preset = System.getenv().getOrDefault("BENCH_PRESET", "medium");
        Path dir = Path.of(System.getenv().getOrDefault("BENCH_DIR", "target/bench"))
                .toAbsolutePath();
        Files.createDirectories(dir);
        FfmpegBinaries binaries = FfmpegBinaries.locate(
                Optional.ofNullable(System.getenv("SPOOL_FFMPEG")),
                Optional.ofNullable(System.getenv("SPOOL_FFPROBE")),
                Path.of("target", "ffmpeg-cache"));
        LadderBench bench =
                new LadderBench(binaries, dir, (int) LadderBench.number("BENCH_REPEAT", 1), false, 0, false);
        System.out.printf(
                Locale.ROOT,
                "ffmpeg %s, %d cores, load average %.1f, work in %s%n",
                binaries.version(),
                Runtime.getRuntime().availableProcessors(),
                LadderBench.load(),
                dir);
        Path longSource =
                bench.source("source-720p-" + (long) longSeconds + "s.mp4", longSeconds, "1280x720", "6M", false);
        Path shortSource =
                bench.source("source-720p-" + (long) clipSeconds + "s.mp4", clipSeconds, "1280x720", "6M", false);
        double start = Math.floor(longSeconds / 2) + 0.5;
        var pipeline = new MediaPipeline(binaries);
        LadderBench.Race timings = bench.race(
                () -> pipeline.run(
                        PipelineRequest.builder(copy(longSource, dir.resolve("clip")), dir.resolve("clip/out"))
                                .preset(preset)
                                .range(new InputRange(start, start + clipSeconds))
                                .build(),
                        ProgressListener.NONE),
                () -> pipeline.run(
                        PipelineRequest.builder(copy(shortSource, dir.resolve("import")), dir.resolve("import/out"))
                                .preset(preset)
                                .mp4(Mp4Mode.ALL)
                                .build(),
                        ProgressListener.NONE));
        System.out.printf(Locale.ROOT, "default ladder, preset %s, MP4s for both%n", preset);
        System.out.printf(
                Locale.ROOT,
                "  clip %.0f s at %.1f s of a %.0f s 720p30 asset  %s%n",
                clipSeconds,
                start,
                longSeconds,
                timings.first());
        System.out.printf(
                Locale.ROOT, "  import of a %.0f s 720p30 file             %s%n", clipSeconds, timings.second());
        System.out.printf(Locale.ROOT, "  clip / import  %s%n", timings.ratio());
        System.out.printf(Locale.ROOT, "load average at the end %.1f%n", LadderBench.load());
    }

    /** A fresh work directory holding a copy of {@code source}, as a task starts. */
    private static Path copy(Path source, Path work) throws Exception {
        if (Files.exists(work)) {
            try (var paths = Files.walk(work)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(work);
        return Files.copy(source, work.resolve("source"), StandardCopyOption.REPLACE_EXISTING);
    }
}
