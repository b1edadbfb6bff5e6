package dev.spool.error;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure a caller can act on: a kind (which the API maps to a status code), a stable code and a human message.
 * Services throw it; the API turns it into {@code {"errors": [message]}}.
 */
public final class SpoolException extends RuntimeException {
    public enum Kind {
        BAD_REQUEST,
        UNAUTHENTICATED,
        FORBIDDEN,
        NOT_FOUND,
        CONFLICT,
        PRECONDITION_FAILED,
        TOO_LARGE,
        UNSUPPORTED_MEDIA,
        INVALID,
        TOO_MANY,
        UNAVAILABLE
    }

    private final Kind kind;
    private final String code;
    private final Duration retryAfter;

    public SpoolException(Kind kind, String code, String message) {
        this(kind, code, message, null);
    }

    public SpoolException(Kind kind, String code, String message, Duration retryAfter) {
        super(message);
        this.kind = kind;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    public static SpoolException notFound() {
        return new SpoolException(Kind.NOT_FOUND, "not_found", "not found");
    }

    public static SpoolException invalid(String field, String reason) {
        return new SpoolException(Kind.INVALID, "invalid_field", field + ": " + reason);
    }

    public static SpoolException badRequest(String code, String message) {
        return new SpoolException(Kind.BAD_REQUEST, code, message);
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
