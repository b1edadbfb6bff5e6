package dev.spool.task;

import dev.spool.storage.StorageUrls;
import java.util.regex.Pattern;

/** Masks secrets carried inside URLs: {@code s3+https://KEY:SECRET@host/bucket} -> {@code s3+https://***:***@host/bucket}. */
public final class Credentials {
    public static final String MASK = "***";
    private static final Pattern USER_INFO = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)([^/@?#]*)@");

    private Credentials() {}

    public static String maskUrl(String url) {
        if (url == null) {
            return null;
        }
        if (url.regionMatches(true, 0, "s3", 0, 2)) {
            // Object-store secrets often hold a raw '/', which the general rule would take for the path.
            return StorageUrls.mask(url);
        }
        var matcher = USER_INFO.matcher(url);
        if (!matcher.find()) {
            return url;
        }
        String userInfo = matcher.group(2);
        String masked = userInfo.contains(":") ? MASK + ":" + MASK : MASK;
        return matcher.group(1) + masked + "@" + url.substring(matcher.end());
    }
}
