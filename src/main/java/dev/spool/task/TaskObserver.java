package dev.spool.task;

import org.jdbi.v3.core.Handle;

/**
 * Learns of every task state change inside the transaction that makes it, so related rows (an asset's status,
 * webhook deliveries) change atomically with the task. Each method sees the task as it is after the change.
 */
public interface TaskObserver {
    void changed(Handle h, Task task, TaskEvent.Kind kind);

    /**
     * A worker claimed the task (told after {@link #changed} reported the claim as an update), which had been due
     * since {@code dueAt}.
     */
    default void claimed(Handle h, Task task, long dueAt) {}
}
