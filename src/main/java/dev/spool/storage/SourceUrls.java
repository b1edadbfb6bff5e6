package dev.spool.storage;

import dev.spool.error.FieldLimits;
import dev.spool.error.SpoolException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/** The URLs a video may be imported from: absolute, with a scheme Spool can fetch, within the length limit. */
public final class SourceUrls {
    private static final Set<String> SCHEMES = Set.of("http", "https", "ipfs", "ar", "s3+http", "s3+https");

    private SourceUrls() {}

    /** Refuses, naming {@code field}, anything but such a URL. */
    public static void require(String field, String url) {
        if (url == null || url.isBlank()) {
            throw SpoolException.invalid(
                    field, "is required: the http(s), ipfs://, ar:// or s3+http(s):// address " + "of the video");
        }
        FieldLimits.check(field, url, FieldLimits.URL);
        try {
            var uri = new URI(url);
            if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
                throw SpoolException.invalid(
                        field, "must start with http://, https://, ipfs://, ar://, s3+http:// " + "or s3+https://");
            }
            if (uri.getRawAuthority() == null) {
                throw SpoolException.invalid(
                        field, "names no host: an absolute URL such as https://host/video.mp4 " + "is required");
            }
        } catch (URISyntaxException e) {
            throw SpoolException.invalid(field, "is not a valid URL (" + e.getReason() + ")");
        }
    }
}
