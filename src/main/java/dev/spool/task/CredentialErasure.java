package dev.spool.task;

import dev.spool.json.Json;
import org.jdbi.v3.core.Handle;

/**
 * Forgets a task's sealed credentials the moment it ends (completed, failed or cancelled), in the transaction that
 * ends it: only their masked form stays. Livepeer masks them at the same moments.
 */
public final class CredentialErasure implements TaskObserver {
    @Override
    public void changed(Handle h, Task task, TaskEvent.Kind kind) {
        boolean ended =
                kind == TaskEvent.Kind.COMPLETED || kind == TaskEvent.Kind.FAILED || kind == TaskEvent.Kind.CANCELLED;
        if (!ended || task.params().transcodeFile() == null) {
            return;
        }
        h.createUpdate("UPDATE tasks SET params = :params WHERE id = :id")
                .bind("params", Json.write(task.params().erased()))
                .bind("id", task.id())
                .execute();
    }
}
