package dev.spool.storage;

import java.util.Locale;
import java.util.Map;

/** Media types of the files Spool writes, by file extension. */
public final class ContentTypes {

    static final String DEFAULT = "application/octet-stream";

    private static final Map<String, String> BY_EXTENSION = Map.of(
            "m3u8", "application/vnd.apple.mpegurl",
            "ts", "video/mp2t",
            "mp4", "video/mp4",
            "m4s", "video/iso.segment",
            "vtt", "text/vtt",
            "png", "image/png",
            "jpg", "image/jpeg",
            "json", "application/json");

    private ContentTypes() {}

    public static String forKey(String key) {
        int slash = key.lastIndexOf('/');
        int dot = key.lastIndexOf('.');
        if (dot <= slash + 1) {
            return DEFAULT;
        }
        return BY_EXTENSION.getOrDefault(key.substring(dot + 1).toLowerCase(Locale.ROOT), DEFAULT);
    }

    /** The caller's type when given, else the one the key's extension implies. */
    static String orDefault(String contentType, String key) {
        return contentType == null || contentType.isBlank() ? forKey(key) : contentType;
    }
}
