package dev.spool.media;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What a pipeline run produced. Every path is relative to the request's output directory and uses
 * {@code /}.
 *
 * @param inputSpec      the probed input, for the asset's {@code videoSpec}
 * @param inputSize      input size in bytes
 * @param md5            hex MD5 of the input bytes
 * @param sha256         hex SHA-256 of the input bytes
 * @param renditions     the HLS renditions in master playlist order
 * @param mp4s           static MP4 renditions, measured from the written files
 * @param masterPlaylist the HLS master playlist
 * @param thumbnailsVtt  the thumbnail WebVTT track, or null when no thumbnails were made
 * @param files          every file written
 */
public record PipelineResult(
        VideoSpec inputSpec,
        long inputSize,
        String md5,
        String sha256,
        List<HlsRendition> renditions,
        List<Mp4Output> mp4s,
        String masterPlaylist,
        String thumbnailsVtt,
        List<String> files) {

    public PipelineResult {
        renditions = List.copyOf(renditions);
        mp4s = List.copyOf(mp4s);
        files = List.copyOf(files);
    }

    /** The MP4 with the most pixels, then the highest bitrate: the best single file of the output. */
    public Optional<Mp4Output> largestMp4() {
        return largest(mp4s);
    }

    static Optional<Mp4Output> largest(List<Mp4Output> mp4s) {
        return mp4s.stream()
                .max(Comparator.comparingLong((Mp4Output m) -> (long) m.width() * m.height())
                        .thenComparingLong(Mp4Output::bitrate));
    }

    /**
     * One HLS rendition as written.
     *
     * @param width            actual output width (0 for audio-only)
     * @param height           actual output height (0 for audio-only)
     * @param bitrate          the planned (target or cap) bitrate
     * @param bandwidth        peak measured segment bitrate (master BANDWIDTH)
     * @param averageBandwidth measured average bitrate (master AVERAGE-BANDWIDTH)
     * @param codecs           RFC 6381 codec string of the master playlist
     * @param frameRate        actual output frame rate, null for audio-only
     */
    public record HlsRendition(
            String name,
            int width,
            int height,
            long bitrate,
            long bandwidth,
            long averageBandwidth,
            String codecs,
            String playlist,
            Double frameRate) {}

    /** A static MP4, with size, dimensions and bitrate probed from the written file. */
    public record Mp4Output(String path, long size, int width, int height, long bitrate) {}
}
