package dev.spool.storage;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * RFC 3986 percent-encoding of URL parts. Unlike {@link java.net.URLDecoder} a '+' stays a '+': AWS
 * secrets often contain one, and in a URL's userinfo it never means a space.
 */
final class PercentCoding {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PercentCoding() {}

    /** Encodes everything but the unreserved characters, and '/' too unless {@code keepSlash}. */
    static String encode(String s, boolean keepSlash) {
        StringBuilder out = new StringBuilder(s.length());
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (isUnreserved(c) || (keepSlash && c == '/')) {
                out.append(c);
            } else {
                out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
            }
        }
        return out.toString();
    }

    /** Decodes %XX sequences as UTF-8; a malformed sequence is an {@link IllegalArgumentException}. */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            if (i + 2 >= s.length()) {
                throw new IllegalArgumentException("incomplete percent-encoding at position " + i);
            }
            int high = Character.digit(s.charAt(i + 1), 16);
            int low = Character.digit(s.charAt(i + 2), 16);
            if (high < 0 || low < 0) {
                throw new IllegalArgumentException("malformed percent-encoding at position " + i);
            }
            bytes.write(high << 4 | low);
            i += 2;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '.'
                || c == '_'
                || c == '~';
    }
}
