package dev.spool.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Repackages an HLS ladder the pipeline wrote into fragmented-MP4 HLS: per rendition an {@code init.mp4}, {@code .m4s}
 * segments and a VOD media playlist with {@code #EXT-X-MAP}, plus a master playlist. Only remuxes (stream copy, one
 * ffmpeg per rendition): the renditions were encoded once and keep their exact bits. Interrupting the calling thread
 * kills the running ffmpeg; nothing appears under the output directory unless every rendition succeeded.
 */
public final class Fmp4Packager {

    private static final Duration REMUX_TIMEOUT = Duration.ofMinutes(30);
    private static final String INIT = "init.mp4";

    /**
     * @param masterPlaylist the master playlist, relative to the output directory
     * @param files          every file written, relative to the output directory, sorted
     */
    public record Ladder(String masterPlaylist, List<String> files) {
        public Ladder {
            files = List.copyOf(files);
        }
    }

    private final FfmpegBinaries binaries;

    public Fmp4Packager(FfmpegBinaries binaries) {
        this.binaries = binaries;
    }

    /**
     * @param hlsDir         the pipeline's output directory, holding each rendition's {@code <name>/index.m3u8}
     * @param renditions     the renditions in master playlist order, as the pipeline measured them
     * @param segmentSeconds the pipeline's segment length; keyframes sit on its boundaries, so segments keep them
     * @param outputDir      where the fMP4 ladder goes
     */
    public Ladder pack(Path hlsDir, List<PipelineResult.HlsRendition> renditions, double segmentSeconds, Path outputDir)
            throws MediaException, InterruptedException {
        try (WorkDir work = WorkDir.create(outputDir)) {
            for (PipelineResult.HlsRendition rendition : renditions) {
                remux(work, hlsDir.resolve(rendition.playlist()), rendition, segmentSeconds);
            }
            // The bandwidths measured on the MPEG-TS segments stay valid: fMP4 carries the same samples with less
            // container overhead, so they are a slight overestimate, never an under-one.
            Files.writeString(work.resolve(Packager.MASTER), MasterPlaylist.render(renditions));
            return new Ladder(Packager.MASTER, work.publish());
        } catch (IOException e) {
            throw new MediaException("io_error", "cannot write the fMP4 outputs: " + e.getMessage(), true, e);
        }
    }

    private void remux(WorkDir work, Path source, PipelineResult.HlsRendition rendition, double segmentSeconds)
            throws IOException, MediaException, InterruptedException {
        String name = rendition.name();
        Files.createDirectories(work.resolve(name));
        List<String> command = new ArrayList<>(List.of(
                binaries.ffmpeg().toString(),
                "-hide_banner",
                "-nostdin",
                "-v",
                "error",
                "-y",
                "-i",
                Prober.fileUrl(source),
                "-map",
                "0",
                "-c",
                "copy"));
        // MPEG-TS carries AAC with ADTS headers, which MP4 does not allow; the filter leaves MP4-style AAC alone
        command.addAll(List.of(
                "-bsf:a",
                "aac_adtstoasc",
                "-f",
                "hls",
                "-hls_segment_type",
                "fmp4",
                "-hls_playlist_type",
                "vod",
                "-hls_time",
                String.format(Locale.ROOT, "%.3f", segmentSeconds),
                "-hls_fmp4_init_filename",
                INIT,
                "-hls_segment_filename",
                name + "/%d.m4s",
                rendition.playlist()));
        ChildProcess.Result result =
                ChildProcess.run(command, binaries.environment(), work.path(), null, REMUX_TIMEOUT);
        if (!result.ok()) {
            throw result.failure("ffmpeg_failed", "packaging " + name + " as fMP4");
        }
    }
}
