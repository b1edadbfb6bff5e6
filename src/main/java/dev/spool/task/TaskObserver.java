package dev.spool.task;

import org.jdbi.v3.core.Handle;

/**
 * Learns of every task state change inside the transaction that makes it, so related rows (an asset's status,
 * webhook deliveries) change atomically with the task. Each method sees the task as it is after the change.
 */
public interface TaskObserver {
    void changed(Handle h, Task task, TaskEvent.Kind kind);
}
