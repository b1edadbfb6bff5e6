package dev.spool.media;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures an encoded rendition against its source: the average bitrate of its video bitstream alone (packet
 * sizes over packet durations, so container and audio overhead do not count) and its PSNR against the source
 * scaled to the rendition's size, plus VMAF when this ffmpeg was built with libvmaf.
 */
final class Quality {

    private static final Pattern PSNR = Pattern.compile("PSNR y:\\S+ u:\\S+ v:\\S+ average:(\\S+)");
    private static final Pattern VMAF = Pattern.compile("VMAF score: ([0-9.]+)");
    private static final Duration TIMEOUT = Duration.ofHours(1);

    record Measure(long videoBitrate, double psnr, Double vmaf) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%6.0f kb/s PSNR %.2f dB", videoBitrate / 1000.0, psnr)
                    + (vmaf == null ? "" : String.format(Locale.ROOT, " VMAF %.2f", vmaf));
        }
    }

    private final FfmpegBinaries binaries;
    private final Path workDir;
    private final boolean vmaf;

    Quality(FfmpegBinaries binaries, Path workDir) throws Exception {
        this.binaries = binaries;
        this.workDir = workDir;
        ChildProcess.Result filters = ChildProcess.run(
                List.of(binaries.ffmpeg().toString(), "-hide_banner", "-filters"),
                binaries.environment(),
                workDir,
                null,
                TIMEOUT);
        this.vmaf = filters.stdout().lines().anyMatch(l -> l.contains(" libvmaf "));
    }

    boolean vmaf() {
        return vmaf;
    }

    Measure measure(Path encoded, Path source, Rendition r) throws Exception {
        return new Measure(
                videoBitrate(encoded),
                score(encoded, source, r, "psnr", PSNR),
                vmaf ? score(encoded, source, r, "libvmaf", VMAF) : null);
    }

    /** Video bits over video time, from the packets ffprobe lists. */
    long videoBitrate(Path encoded) throws Exception {
        ChildProcess.Result packets = check(ChildProcess.run(
                List.of(
                        binaries.ffprobe().toString(),
                        "-v",
                        "error",
                        "-select_streams",
                        "v:0",
                        "-show_entries",
                        "packet=size,duration_time",
                        "-of",
                        "csv=p=0",
                        encoded.toString()),
                binaries.environment(),
                workDir,
                null,
                TIMEOUT));
        long bytes = 0;
        double seconds = 0;
        for (String line : packets.stdout().lines().toList()) {
            String[] fields = line.split(",");
            if (fields.length < 2 || fields[0].isBlank() || fields[1].isBlank()) {
                continue;
            }
            // ffprobe orders the fields as the stream lists them: duration_time first, then size
            seconds += Double.parseDouble(fields[0]);
            bytes += Long.parseLong(fields[1]);
        }
        return Math.round(bytes * 8 / seconds);
    }

    /** The named comparison filter's score, the encoded video first, the source scaled to its size second. */
    private double score(Path encoded, Path source, Rendition r, String filter, Pattern result) throws Exception {
        ChildProcess.Result run = check(ChildProcess.run(
                List.of(
                        binaries.ffmpeg().toString(),
                        "-hide_banner",
                        "-nostdin",
                        "-nostats",
                        "-i",
                        encoded.toString(),
                        "-i",
                        source.toString(),
                        "-lavfi",
                        "[1:v]scale=" + r.width() + ":" + r.height() + ",setsar=1[ref];[0:v]setsar=1[out];[out][ref]"
                                + filter,
                        "-f",
                        "null",
                        "-"),
                binaries.environment(),
                workDir,
                null,
                TIMEOUT));
        Matcher m = result.matcher(run.stderrTail());
        if (!m.find()) {
            throw new IllegalStateException(filter + " printed no score: " + run.stderrTail());
        }
        return Double.parseDouble(m.group(1));
    }

    private static ChildProcess.Result check(ChildProcess.Result result) {
        if (!result.ok()) {
            throw new IllegalStateException("ffmpeg failed: " + result.stderrTail());
        }
        return result;
    }
}
