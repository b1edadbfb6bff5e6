package dev.spool.storage;

import dev.spool.error.CodedException;

/**
 * Why a file could not be sent where the caller asked (their URL, an IPFS service), as a value the task engine can
 * act on: a stable {@link #code()}, a message safe to show (credentials masked), and whether trying again may help.
 */
public final class DestinationException extends CodedException {

    /** The destination answered with a status that will not change by asking again (a 4xx, a redirect). */
    public static final String REJECTED = "destination_rejected";
    /** The destination failed in a way that may pass: 5xx, 408, 429, refused connections, timeouts. */
    public static final String UNAVAILABLE = "destination_unavailable";
    /** The destination URL or a header cannot be used, or points at an address this server refuses. */
    public static final String INVALID = "invalid_destination";
    /** The bytes to send could not be read. */
    public static final String SOURCE_FAILED = "export_source_failed";
    /** The sending thread was interrupted, usually because the task is being cancelled. */
    public static final String INTERRUPTED = "interrupted";

    public DestinationException(String code, String message, boolean retriable, Throwable cause) {
        super(code, message, retriable, cause);
    }

    public static DestinationException unretriable(String code, String message) {
        return new DestinationException(code, message, false, null);
    }

    public static DestinationException retriable(String code, String message, Throwable cause) {
        return new DestinationException(code, message, true, cause);
    }
}
