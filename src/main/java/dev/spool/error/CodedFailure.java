package dev.spool.error;

/**
 * A failure as a value, the contract shared by the media, fetching, storage and task-engine errors: a stable
 * snake_case code for machines, a message a person can act on, and whether trying again later can help.
 */
public interface CodedFailure {
    String code();

    String getMessage();

    boolean retriable();
}
