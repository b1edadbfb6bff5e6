package dev.spool.storage;

import dev.spool.error.CodedFailure;

/**
 * A failure of the object store, as a value the task engine can act on: {@link #code()} is stable and
 * meant for machines, the message is meant for the person who owns the storage, and
 * {@link #retriable()} says whether trying again later can help.
 *
 * <p>Messages name the bucket, key or directory involved and never contain credentials.
 */
public final class StorageException extends RuntimeException implements CodedFailure {

    /** The object does not exist. */
    public static final String NOT_FOUND = "not_found";
    /** The credentials are valid but may not do this. */
    public static final String ACCESS_DENIED = "access_denied";
    /** The store does not accept the access key or the secret. */
    public static final String INVALID_CREDENTIALS = "invalid_credentials";
    /** The bucket named in the storage URL does not exist. */
    public static final String NO_SUCH_BUCKET = "no_such_bucket";
    /** The store cannot be reached or is overloaded right now. */
    public static final String UNAVAILABLE = "unavailable";
    /** The object key is empty, absolute, escapes the store or is otherwise malformed. */
    public static final String INVALID_KEY = "invalid_key";
    /** The storage URL cannot be parsed or uses an unsupported scheme. */
    public static final String INVALID_URL = "invalid_url";
    /** The requested byte range does not lie within the object. */
    public static final String INVALID_RANGE = "invalid_range";
    /** The store refused the request for a reason not covered by a more specific code. */
    public static final String REJECTED = "rejected";
    /** Reading or writing bytes failed. */
    public static final String IO_ERROR = "io_error";

    private final String code;
    private final boolean retriable;

    StorageException(String code, String message, boolean retriable, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.retriable = retriable;
    }

    StorageException(String code, String message, boolean retriable) {
        this(code, message, retriable, null);
    }

    @Override
    public String code() {
        return code;
    }

    @Override
    public boolean retriable() {
        return retriable;
    }

    static StorageException invalidKey(String message) {
        return new StorageException(INVALID_KEY, message, false);
    }

    static StorageException invalidUrl(String message) {
        return new StorageException(INVALID_URL, message, false);
    }

    static StorageException invalidRange(String message) {
        return new StorageException(INVALID_RANGE, message, false);
    }

    /** The caller's stream had fewer bytes than it announced; a new attempt may get them all. */
    static StorageException endedEarly(String key, long read, long announced) {
        return new StorageException(
                IO_ERROR,
                "the data for '" + key + "' ended after " + read + " of the " + announced + " bytes announced",
                true);
    }

    @Override
    public String toString() {
        return "StorageException[" + code + (retriable ? ", retriable" : "") + "]: " + getMessage();
    }
}
