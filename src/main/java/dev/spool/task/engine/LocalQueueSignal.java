package dev.spool.task.engine;

import dev.spool.concurrent.WakeUp;
import dev.spool.task.QueueSignal;
import org.jdbi.v3.core.Handle;

/** Embedded mode: the workers live in this process, so a committed task wakes them directly. */
public final class LocalQueueSignal implements QueueSignal {
    private final WakeUp wakeUp;

    public LocalQueueSignal(WakeUp wakeUp) {
        this.wakeUp = wakeUp;
    }

    @Override
    public void queued(Handle h) {
        h.afterCommit(wakeUp::wake);
    }
}
