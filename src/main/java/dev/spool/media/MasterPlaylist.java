package dev.spool.media;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The HLS master playlist, ordered by Livepeer's rule. */
final class MasterPlaylist {

    private static final int LARGE = 960;

    private MasterPlaylist() {}

    /**
     * Measured bitrate descending (ties: larger picture first); then, when the first variant is
     * 960 px or more on a side, the first two swap so players start on the smaller one.
     */
    static List<PipelineResult.HlsRendition> order(List<PipelineResult.HlsRendition> renditions) {
        List<PipelineResult.HlsRendition> ordered = new ArrayList<>(renditions);
        ordered.sort(Comparator.comparingLong(PipelineResult.HlsRendition::averageBandwidth)
                .reversed()
                .thenComparing(
                        Comparator.comparingLong((PipelineResult.HlsRendition r) -> (long) r.width() * r.height())
                                .reversed()));
        if (ordered.size() > 1
                && (ordered.get(0).width() >= LARGE || ordered.get(0).height() >= LARGE)) {
            ordered.add(1, ordered.remove(0));
        }
        return ordered;
    }

    static String render(List<PipelineResult.HlsRendition> ordered) {
        StringBuilder out = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        for (int i = 0; i < ordered.size(); i++) {
            PipelineResult.HlsRendition r = ordered.get(i);
            out.append("#EXT-X-STREAM-INF:BANDWIDTH=")
                    .append(r.bandwidth())
                    .append(",AVERAGE-BANDWIDTH=")
                    .append(r.averageBandwidth());
            if (r.width() > 0 && r.height() > 0) {
                out.append(",RESOLUTION=").append(r.width()).append('x').append(r.height());
            }
            out.append(",CODECS=\"").append(r.codecs()).append('"');
            if (r.frameRate() != null) {
                out.append(String.format(Locale.ROOT, ",FRAME-RATE=%.3f", r.frameRate()));
            }
            out.append(",NAME=\"")
                    .append(i)
                    .append('-')
                    .append(r.name())
                    .append("\"\n")
                    .append(r.playlist())
                    .append('\n');
        }
        return out.toString();
    }
}
