package dev.spool.error;

/**
 * The longest strings Spool accepts, far beyond any real use and small enough that no request can store megabytes
 * in a row or a log line. openapi.yaml states them as {@code maxLength}.
 */
public final class FieldLimits {
    public static final int NAME = 512;
    public static final int URL = 4096;
    public static final int PATH = 1024;

    private FieldLimits() {}

    /** Refuses a string longer than {@code max} characters; null passes (absence is checked elsewhere). */
    public static void check(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw SpoolException.invalid(field, "is longer than " + max + " characters (" + value.length() + ")");
        }
    }
}
