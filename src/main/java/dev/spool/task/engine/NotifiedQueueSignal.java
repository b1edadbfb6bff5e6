package dev.spool.task.engine;

import dev.spool.concurrent.WakeUp;
import dev.spool.db.Notifications;
import dev.spool.task.QueueSignal;
import org.jdbi.v3.core.Handle;

/**
 * Wakes the idle workers of every process once the transaction that queued a task commits: this process's at once,
 * the others' through the store's notifications. A lost notification connection wakes them too, since a task
 * queued meanwhile went unannounced.
 */
public final class NotifiedQueueSignal implements QueueSignal {
    private static final String TOPIC = "queued";

    private final Notifications notifications;

    public NotifiedQueueSignal(WakeUp wakeUp, Notifications notifications) {
        this.notifications = notifications;
        notifications.subscribe(TOPIC, key -> wakeUp.wake(), wakeUp::wake);
    }

    @Override
    public void queued(Handle h) {
        notifications.publish(h, TOPIC, "");
    }
}
