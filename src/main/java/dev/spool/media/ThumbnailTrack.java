package dev.spool.media;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The WebVTT track that tells players which keyframe picture covers which time span: one cue per
 * segment, with exact times (Livepeer truncated each duration to whole seconds; Spool does not).
 */
final class ThumbnailTrack {

    static final String FILE = "thumbnails.vtt";

    private ThumbnailTrack() {}

    /** Cues for the segments whose picture exists in {@code thumbnailDir}. */
    static String render(List<Double> segmentDurations, Path thumbnailDir) {
        StringBuilder out = new StringBuilder("WEBVTT\n\n");
        double start = 0;
        for (int n = 0; n < segmentDurations.size(); n++) {
            double end = start + segmentDurations.get(n);
            String picture = "keyframes_" + n + ".png";
            if (Files.exists(thumbnailDir.resolve(picture))) {
                out.append(timestamp(start))
                        .append(" --> ")
                        .append(timestamp(end))
                        .append('\n')
                        .append(picture)
                        .append("\n\n");
            }
            start = end;
        }
        return out.toString();
    }

    static String timestamp(double seconds) {
        long millis = Math.round(seconds * 1000);
        return String.format(
                Locale.ROOT,
                "%02d:%02d:%02d.%03d",
                millis / 3_600_000,
                millis / 60_000 % 60,
                millis / 1000 % 60,
                millis % 1000);
    }
}
