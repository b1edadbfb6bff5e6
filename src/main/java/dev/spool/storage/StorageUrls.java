package dev.spool.storage;

import java.util.Locale;
import java.util.regex.Pattern;

/** Storage URLs as they may be shown to people: without credentials. */
public final class StorageUrls {

    static final String MASKED_USERINFO = "***:***";

    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");

    private StorageUrls() {}

    /**
     * Replaces the userinfo of a URL ({@code scheme://user:secret@host/...}) with {@code ***:***} and
     * returns any other string unchanged.
     *
     * <p>Object-store URLs ({@code s3...}) always carry credentials, and a secret containing an
     * unencoded '/' would otherwise be read as the start of the path and shown: for them, everything
     * up to the first '@' counts as userinfo when the authority itself has none.
     */
    public static String mask(String url) {
        if (url == null) {
            return null;
        }
        int separator = url.indexOf("://");
        if (separator <= 0 || !SCHEME.matcher(url.substring(0, separator)).matches()) {
            return url;
        }
        String scheme = url.substring(0, separator).toLowerCase(Locale.ROOT);
        String rest = url.substring(separator + 3);
        int at = rest.lastIndexOf('@', authorityEnd(rest) - 1);
        if (at < 0 && scheme.startsWith("s3")) {
            at = rest.indexOf('@');
        }
        if (at < 0) {
            return url;
        }
        return url.substring(0, separator + 3) + MASKED_USERINFO + rest.substring(at);
    }

    /** Where the authority of a URL (the part after "://") ends: at the path, query or fragment. */
    static int authorityEnd(String afterScheme) {
        for (int i = 0; i < afterScheme.length(); i++) {
            char c = afterScheme.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                return i;
            }
        }
        return afterScheme.length();
    }
}
