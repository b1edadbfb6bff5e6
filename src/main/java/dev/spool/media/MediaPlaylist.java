package dev.spool.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A VOD media playlist: segments with their real durations, and for fragmented MP4 the
 * initialisation section each segment needs. Parses what ffmpeg's HLS muxer wrote for each chunk
 * and writes the joined playlist.
 */
record MediaPlaylist(List<Segment> segments) {

    /** @param init the initialisation section's URI, or null for MPEG-TS */
    record Segment(String uri, double duration, String init) {}

    MediaPlaylist {
        segments = List.copyOf(segments);
    }

    static MediaPlaylist read(Path file) throws IOException {
        List<Segment> segments = new ArrayList<>();
        String init = null;
        Double duration = null;
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (line.startsWith("#EXT-X-MAP:")) {
                int start = line.indexOf("URI=\"") + 5;
                init = line.substring(start, line.indexOf('"', start));
            } else if (line.startsWith("#EXTINF:")) {
                String value = line.substring("#EXTINF:".length());
                int comma = value.indexOf(',');
                duration = Double.parseDouble(comma >= 0 ? value.substring(0, comma) : value);
            } else if (!line.isEmpty() && !line.startsWith("#") && duration != null) {
                segments.add(new Segment(line, duration, init));
                duration = null;
            }
        }
        return new MediaPlaylist(segments);
    }

    double totalDuration() {
        double total = 0;
        for (Segment s : segments) {
            total += s.duration();
        }
        return total;
    }

    String render() {
        boolean fmp4 = segments.stream().anyMatch(s -> s.init() != null);
        long target = Math.max(
                1,
                segments.stream().mapToLong(s -> Math.round(s.duration())).max().orElse(1));
        StringBuilder out = new StringBuilder("#EXTM3U\n")
                .append("#EXT-X-VERSION:")
                .append(fmp4 ? 7 : 3)
                .append('\n')
                .append("#EXT-X-TARGETDURATION:")
                .append(target)
                .append('\n')
                .append("#EXT-X-MEDIA-SEQUENCE:0\n")
                .append("#EXT-X-PLAYLIST-TYPE:VOD\n")
                .append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        String currentInit = null;
        for (Segment s : segments) {
            if (s.init() != null && !s.init().equals(currentInit)) {
                out.append("#EXT-X-MAP:URI=\"").append(s.init()).append("\"\n");
                currentInit = s.init();
            }
            out.append(String.format(Locale.ROOT, "#EXTINF:%.6f,\n", s.duration()))
                    .append(s.uri())
                    .append('\n');
        }
        return out.append("#EXT-X-ENDLIST\n").toString();
    }
}
