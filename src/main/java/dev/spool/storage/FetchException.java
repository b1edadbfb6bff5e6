package dev.spool.storage;

import dev.spool.error.CodedException;

/**
 * Why a source could not be fetched, as a value the task engine can act on: a stable {@link #code()}
 * for programs, a human message that is safe to show to the user (credentials are always masked), and
 * whether trying again later may succeed.
 */
public final class FetchException extends CodedException {

    /** The URL points at an address this server refuses to connect to (loopback, private, metadata...). */
    public static final String ADDRESS_REFUSED = "address_refused";
    /** The URL's scheme is not one this server can import from. */
    public static final String UNSUPPORTED_URL = "unsupported_url";
    /** The URL has a supported scheme but cannot be parsed (for example an object-store URL without a bucket). */
    public static final String INVALID_URL = "invalid_url";
    /** The host name does not resolve, or no TLS session can be established with it. */
    public static final String SOURCE_UNREACHABLE = "source_unreachable";
    /** The source answered 404, or the object does not exist in its bucket. */
    public static final String SOURCE_NOT_FOUND = "source_not_found";
    /** The source refused the request for good (a 3xx without a target, or a 4xx other than 404). */
    public static final String SOURCE_REJECTED = "source_rejected";
    /** The source failed in a way that may pass: 5xx, 408, 429, connection refused, timeouts, cut transfers. */
    public static final String SOURCE_UNAVAILABLE = "source_unavailable";
    /** More redirects than allowed. */
    public static final String TOO_MANY_REDIRECTS = "too_many_redirects";
    /** A redirect this server will not follow (to another scheme, or from https down to http). */
    public static final String REDIRECT_REFUSED = "redirect_refused";
    /** The source is larger than the configured limit. */
    public static final String TOO_LARGE = "too_large";
    /** The source has no bytes. */
    public static final String EMPTY_SOURCE = "empty_source";
    /** Writing the fetched bytes to local storage failed. */
    public static final String LOCAL_WRITE_FAILED = "local_write_failed";
    /** The fetching thread was interrupted, usually because the task is being cancelled. */
    public static final String INTERRUPTED = "interrupted";

    FetchException(String code, String message, boolean retriable) {
        this(code, message, retriable, null);
    }

    FetchException(String code, String message, boolean retriable, Throwable cause) {
        super(code, message, retriable, cause);
    }

    static FetchException unretriable(String code, String message) {
        return new FetchException(code, message, false);
    }

    static FetchException retriable(String code, String message, Throwable cause) {
        return new FetchException(code, message, true, cause);
    }
}
