package dev.spool.task;

import org.jdbi.v3.core.Handle;

/** Tells idle workers that a task became due, once the transaction that queued it commits. */
public interface QueueSignal {
    void queued(Handle h);
}
