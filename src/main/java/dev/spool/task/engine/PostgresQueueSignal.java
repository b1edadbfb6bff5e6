package dev.spool.task.engine;

import dev.spool.concurrent.WakeUp;
import dev.spool.task.QueueSignal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
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
        h.execute("NOTIFY " + CHANNEL);
        h.afterCommit(wakeUp::wake);
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
