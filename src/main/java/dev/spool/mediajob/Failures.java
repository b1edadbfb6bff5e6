package dev.spool.mediajob;

import dev.spool.error.CodedFailure;
import dev.spool.storage.StorageException;
import dev.spool.task.engine.TaskFailure;

/** Turns the typed errors of media, fetching and storage into task failures, keeping code, message and retry. */
public final class Failures {
    private Failures() {}

    public static <E extends Exception & CodedFailure> TaskFailure of(E e) {
        return of(e.code(), e.getMessage(), e);
    }

    /** A storage error, said with what was being done: "error writing abc/index.m3u8: ...". */
    public static TaskFailure storage(StorageException e, String doing) {
        return of("storage_" + e.code(), "error " + doing + ": " + e.getMessage(), e);
    }

    private static <E extends Exception & CodedFailure> TaskFailure of(String code, String message, E e) {
        return e.retriable() ? TaskFailure.retriable(code, message, e) : TaskFailure.unretriable(code, message);
    }
}
