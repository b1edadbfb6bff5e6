package dev.spool.media;

import dev.spool.error.CodedFailure;

/**
 * A media failure as a value: a stable snake_case {@link #code()} for machines, a message a person
 * can act on, and whether trying again could help. Bad input is never retriable; a crashed or
 * killed ffmpeg may be.
 */
public final class MediaException extends Exception implements CodedFailure {

    private final String code;
    private final boolean retriable;

    public MediaException(String code, String message, boolean retriable) {
        super(message);
        this.code = code;
        this.retriable = retriable;
    }

    public MediaException(String code, String message, boolean retriable, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.retriable = retriable;
    }

    /** Input the caller must fix: trying again gives the same answer. */
    static MediaException badInput(String code, String message) {
        return new MediaException(code, message, false);
    }

    @Override
    public String code() {
        return code;
    }

    @Override
    public boolean retriable() {
        return retriable;
    }
}
