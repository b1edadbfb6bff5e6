package dev.spool.media;

import dev.spool.error.CodedException;

/**
 * A media failure as a value: a stable snake_case {@link #code()} for machines, a message a person
 * can act on, and whether trying again could help. Bad input is never retriable; a crashed or
 * killed ffmpeg may be.
 */
public final class MediaException extends CodedException {

    public MediaException(String code, String message, boolean retriable) {
        super(code, message, retriable);
    }

    public MediaException(String code, String message, boolean retriable, Throwable cause) {
        super(code, message, retriable, cause);
    }

    /** Input the caller must fix: trying again gives the same answer. */
    static MediaException badInput(String code, String message) {
        return new MediaException(code, message, false);
    }
}
