package dev.spool.access;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A playlist (HLS) or thumbnail track (WebVTT) whose every child URL carries the viewer's grant, so that a player
 * given only the top URL with its token reaches every rendition, segment and picture.
 */
public final class GrantedPlaylist {
    private static final Pattern URI_ATTRIBUTE = Pattern.compile("URI=\"([^\"]*)\"");

    private GrantedPlaylist() {}

    /** Whether files at this path name other files that must carry the grant. */
    public static boolean names(String path) {
        return path.endsWith(".m3u8") || path.endsWith(".vtt");
    }

    public static String rewrite(String path, String text, String query) {
        return path.endsWith(".vtt") ? track(text, query) : playlist(text, query);
    }

    /** HLS: every URI line, and every {@code URI="..."} attribute of a tag (init segments, media, keys). */
    private static String playlist(String text, String query) {
        var out = new StringBuilder(text.length() + 64);
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (i > 0) {
                out.append('\n');
            }
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                out.append(line);
            } else if (trimmed.startsWith("#")) {
                Matcher m = URI_ATTRIBUTE.matcher(line);
                out.append(m.replaceAll(r -> Matcher.quoteReplacement("URI=\"" + with(r.group(1), query) + "\"")));
            } else {
                out.append(with(trimmed, query));
            }
        }
        return out.toString();
    }

    /** WebVTT: the payload line after each cue's timing line is a picture's URL. */
    private static String track(String text, String query) {
        var out = new StringBuilder(text.length() + 64);
        boolean cuePayload = false;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (i > 0) {
                out.append('\n');
            }
            out.append(cuePayload && !line.isBlank() ? with(line.strip(), query) : line);
            cuePayload = line.contains("-->");
        }
        return out.toString();
    }

    private static String with(String url, String query) {
        return url + (url.contains("?") ? "&" : "?") + query;
    }
}
