package dev.spool.storage;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An object-store source written as {@code s3+http(s)://KEY:SECRET@host[:port]/bucket/key}.
 *
 * <p>Parsed by hand rather than with {@link URI}: secrets of S3-compatible stores routinely contain a
 * raw {@code /} or {@code +}, which a URI parser reads as the end of the authority. The user-info ends
 * at the first {@code @}; percent-escapes in it and in the key are decoded, and {@code +} stays a plus.
 */
record S3SourceUrl(boolean https, String hostAndPort, String bucket, String key, String accessKey, String secretKey) {

    static boolean matches(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith("s3+http://") || lower.startsWith("s3+https://");
    }

    static S3SourceUrl parse(String url) throws FetchException {
        String lower = url.toLowerCase(Locale.ROOT);
        boolean https = lower.startsWith("s3+https://");
        if (!https && !lower.startsWith("s3+http://")) {
            throw invalid(url, "it must start with s3+http:// or s3+https://");
        }
        String rest = url.substring(url.indexOf("://") + 3);
        int at = rest.indexOf('@');
        if (at < 0) {
            throw invalid(url, "it has no KEY:SECRET@ credentials");
        }
        String userInfo = rest.substring(0, at);
        int colon = userInfo.indexOf(':');
        if (colon <= 0 || colon == userInfo.length() - 1) {
            throw invalid(url, "its credentials must be KEY:SECRET");
        }
        String afterCredentials = rest.substring(at + 1);
        int hostEnd = afterCredentials.indexOf('/');
        if (hostEnd <= 0) {
            throw invalid(url, "it has no host or no bucket");
        }
        String hostAndPort = afterCredentials.substring(0, hostEnd);
        String path = afterCredentials.substring(hostEnd + 1);
        int bucketEnd = path.indexOf('/');
        if (bucketEnd <= 0 || bucketEnd == path.length() - 1) {
            throw invalid(url, "it must name a bucket and an object key after the host");
        }
        URI endpoint;
        try {
            endpoint = URI.create((https ? "https://" : "http://") + hostAndPort);
        } catch (IllegalArgumentException e) {
            throw invalid(url, "its host is not valid");
        }
        if (endpoint.getHost() == null
                || endpoint.getRawPath() != null && !endpoint.getRawPath().isEmpty()
                || endpoint.getRawQuery() != null) {
            throw invalid(url, "its host is not valid");
        }
        return new S3SourceUrl(
                https,
                hostAndPort,
                path.substring(0, bucketEnd),
                percentDecode(path.substring(bucketEnd + 1), url),
                percentDecode(userInfo.substring(0, colon), url),
                percentDecode(userInfo.substring(colon + 1), url));
    }

    URI endpoint() {
        return URI.create((https ? "https://" : "http://") + hostAndPort);
    }

    /** The URL as it may be shown: credentials masked. */
    String display() {
        return (https ? "s3+https://" : "s3+http://") + UrlMasking.MASKED_USER_INFO + "@" + hostAndPort + "/" + bucket
                + "/" + key;
    }

    @Override
    public String toString() {
        return display();
    }

    private static FetchException invalid(String url, String why) {
        return FetchException.unretriable(
                FetchException.INVALID_URL, "cannot read the object-store URL " + UrlMasking.mask(url) + ": " + why);
    }

    private static String percentDecode(String text, String url) throws FetchException {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) != '%') {
                int next = text.indexOf('%', i);
                int end = next < 0 ? text.length() : next;
                bytes.writeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
                continue;
            }
            if (i + 2 >= text.length()) {
                throw invalid(url, "it has a broken %-escape");
            }
            int high = Character.digit(text.charAt(i + 1), 16);
            int low = Character.digit(text.charAt(i + 2), 16);
            if (high < 0 || low < 0) {
                throw invalid(url, "it has a broken %-escape");
            }
            bytes.write(high << 4 | low);
            i += 2;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
