package dev.spool.storage;

import java.nio.charset.StandardCharsets;

/** The key and prefix rules shared by every store, so that a key valid on one is valid on all. */
public final class ObjectKeys {

    /** S3's limit on the length of a whole key; a store's own prefix counts against it too. */
    private static final int MAX_KEY_BYTES = 1024;

    private ObjectKeys() {}

    /** The key itself; {@link StorageException#INVALID_KEY} naming what is wrong otherwise. */
    public static String requireKey(String key) {
        if (key == null || key.isEmpty()) {
            throw StorageException.invalidKey("an object key must not be empty");
        }
        checkSegments(key, key, "object key");
        return key;
    }

    /** {@code s} without its leading and trailing slashes: {@code "/a/b/"} is {@code "a/b"}, {@code "/"} is empty. */
    public static String trimSlashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '/') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(start, end);
    }

    /** A prefix may be empty (everything) and may end with '/' (everything in that "directory"). */
    static String requirePrefix(String prefix) {
        if (prefix == null) {
            throw StorageException.invalidKey("a key prefix must not be null");
        }
        String body = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (!body.isEmpty()) {
            checkSegments(body, prefix, "key prefix");
        } else if (!prefix.isEmpty()) {
            throw StorageException.invalidKey("key prefix '/' is absolute: prefixes are relative to the store");
        }
        return prefix;
    }

    /** An empty prefix would delete the whole store, which no caller means to do. */
    static String requireDeletablePrefix(String prefix) {
        if (requirePrefix(prefix).isEmpty()) {
            throw StorageException.invalidKey("refusing to delete every object: the prefix must not be empty");
        }
        return prefix;
    }

    private static void checkSegments(String body, String original, String what) {
        if (body.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw StorageException.invalidKey(what + " is longer than " + MAX_KEY_BYTES + " bytes");
        }
        if (body.startsWith("/")) {
            throw StorageException.invalidKey(
                    what + " '" + printable(original) + "' is absolute: keys are relative to the store");
        }
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' || Character.isISOControl(c)) {
                throw StorageException.invalidKey(
                        what + " '" + printable(original) + "' contains a backslash or control character");
            }
        }
        for (String segment : body.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw StorageException.invalidKey(what + " '" + printable(original)
                        + "' has an empty, '.' or '..' segment: keys may not leave or skip a directory");
            }
        }
    }

    /** Control characters are replaced so that a hostile key cannot forge lines in logs. */
    private static String printable(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> out.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
        return out.toString();
    }
}
