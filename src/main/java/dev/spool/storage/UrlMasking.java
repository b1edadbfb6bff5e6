package dev.spool.storage;

/**
 * Prints URLs without the credentials users embed in them ({@code s3+https://KEY:SECRET@host/...},
 * {@code https://user:pass@host/...}). Every URL that reaches a message or a log line goes through
 * {@link #mask(String)}.
 */
final class UrlMasking {

    static final String MASKED_USER_INFO = "***:***";

    private UrlMasking() {}

    /**
     * Replaces the user-info part with {@code ***:***}. Works on text that is not a valid URI too,
     * because object-store secrets often contain a raw {@code /} or {@code +}: the user-info is taken
     * to end at the first {@code @}, and is recognised when it holds a {@code :} or no {@code /}. A URL
     * whose path merely contains an {@code @} after a port may be over-masked; a secret is never printed.
     */
    static String mask(String url) {
        if (url == null) {
            return "";
        }
        int schemeEnd = url.indexOf("://");
        if (schemeEnd < 0) {
            return url;
        }
        int start = schemeEnd + 3;
        int end = firstOf(url, start, "?#");
        int at = url.indexOf('@', start);
        if (at < 0 || at > end) {
            return url;
        }
        String userInfo = url.substring(start, at);
        if (userInfo.contains(":") || !userInfo.contains("/")) {
            return url.substring(0, start) + MASKED_USER_INFO + url.substring(at);
        }
        return url;
    }

    private static int firstOf(String text, int from, String chars) {
        for (int i = from; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return text.length();
    }
}
