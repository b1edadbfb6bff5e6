package dev.spool.task.engine;

import dev.spool.error.CodedFailure;

/**
 * Why an attempt failed: a stable code, a message a person can act on, and whether trying again can help.
 * Handlers throw it; the engine decides between retry (with back-off) and failure.
 */
public final class TaskFailure extends Exception implements CodedFailure {
    private final String code;
    private final boolean retriable;

    private TaskFailure(String code, String message, boolean retriable, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.retriable = retriable;
    }

    public static TaskFailure retriable(String code, String message) {
        return new TaskFailure(code, message, true, null);
    }

    public static TaskFailure retriable(String code, String message, Throwable cause) {
        return new TaskFailure(code, message, true, cause);
    }

    public static TaskFailure unretriable(String code, String message) {
        return new TaskFailure(code, message, false, null);
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
