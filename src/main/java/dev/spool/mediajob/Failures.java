package dev.spool.mediajob;

import dev.spool.media.MediaException;
import dev.spool.storage.DestinationException;
import dev.spool.storage.FetchException;
import dev.spool.storage.StorageException;
import dev.spool.task.engine.TaskFailure;

/** Turns the typed errors of media, fetching and storage into task failures, keeping code, message and retry. */
public final class Failures {
    private Failures() {
    }

    static TaskFailure of(MediaException e) {
        return e.retriable()
                ? TaskFailure.retriable(e.code(), e.getMessage(), e)
                : TaskFailure.unretriable(e.code(), e.getMessage());
    }

    static TaskFailure of(FetchException e) {
        return e.retriable()
                ? TaskFailure.retriable(e.code(), e.getMessage(), e)
                : TaskFailure.unretriable(e.code(), e.getMessage());
    }

    public static TaskFailure of(DestinationException e) {
        return e.retriable()
                ? TaskFailure.retriable(e.code(), e.getMessage(), e)
                : TaskFailure.unretriable(e.code(), e.getMessage());
    }

    public static TaskFailure storage(StorageException e, String doing) {
        String message = "error " + doing + ": " + e.getMessage();
        return e.retriable()
                ? TaskFailure.retriable("storage_" + e.code(), message, e)
                : TaskFailure.unretriable("storage_" + e.code(), message);
    }
}
