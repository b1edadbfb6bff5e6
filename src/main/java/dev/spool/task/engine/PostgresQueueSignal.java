package dev.spool.task.engine;

import dev.spool.concurrent.WakeUp;
import dev.spool.task.QueueSignal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster mode: {@code NOTIFY} inside the queuing transaction (PostgreSQL delivers it at commit) reaches the
 * workers of every process, each of which keeps one connection that {@code LISTEN}s.
 */
public final class PostgresQueueSignal implements QueueSignal, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PostgresQueueSignal.class);
    private static final String CHANNEL = "spool_tasks";

    private final WakeUp wakeUp;
    private final String jdbcUrl;
    /** Transactions that already sent their NOTIFY (by identity: handles compare by their connection). */
    private final Set<Handle> notifying =
            Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

    private final Thread listener;
    private volatile boolean closed;

    public PostgresQueueSignal(WakeUp wakeUp, String jdbcUrl) {
        this.wakeUp = wakeUp;
        this.jdbcUrl = jdbcUrl;
        this.listener = Thread.ofPlatform().daemon().name("spool-listen").unstarted(this::listen);
        listener.start();
    }

    @Override
    public void queued(Handle h) {
        if (!h.isInTransaction()) {
            h.execute("NOTIFY " + CHANNEL);
            wakeUp.wake();
            return;
        }
        // One NOTIFY per transaction: PostgreSQL folds repeats into one anyway, and a transaction that ends many
        // tasks (a worker's round) would otherwise pay a round trip for each.
        if (notifying.add(h)) {
            h.execute("NOTIFY " + CHANNEL);
            h.afterCommit(() -> {
                notifying.remove(h);
                wakeUp.wake();
            });
            h.afterRollback(() -> notifying.remove(h));
        }
    }

    private void listen() {
        while (!closed) {
            try (Connection connection = DriverManager.getConnection(jdbcUrl)) {
                try (var statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                var pg = connection.unwrap(PGConnection.class);
                // A wake-up after (re)connecting covers notifications sent while this connection was down.
                wakeUp.wake();
                while (!closed) {
                    var notifications = pg.getNotifications(500);
                    if (notifications != null && notifications.length > 0) {
                        wakeUp.wake();
                    }
                }
            } catch (SQLException e) {
                if (!closed) {
                    log.warn("task notifications interrupted ({}); reconnecting in 1 s", e.getMessage());
                    sleepQuietly();
                }
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        listener.interrupt();
    }
}
