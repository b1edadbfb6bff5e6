package dev.spool.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes told to every process that shares the store, once they commit: what keeps each process's caches (task
 * reads, API keys) and idle workers in step with writes made anywhere.
 *
 * <p>A change is published inside the transaction that makes it. The process that made it hears of it when that
 * transaction commits, before the commit returns, so it reads its own writes at once. Other processes hear of it
 * through PostgreSQL's {@code LISTEN/NOTIFY} (delivered at commit, in commit order) on one connection per process;
 * the embedded store has no other process.
 *
 * <p>What a subscriber keeps is current only while {@link #live()}: the listening connection is up and has proved,
 * no longer than {@link #LEASE_MILLIS} ago, that every change committed before then has been heard. A connection
 * that drops, or goes silent, stops being live within that bound, and every subscriber is told it may have missed
 * changes, when the loss is seen and again when a new connection listens.
 */
public final class Notifications implements AutoCloseable {
    /** How long a proof of being caught up lasts: the bound on hearing late of a change when the connection fails. */
    public static final long LEASE_MILLIS = 1_000;
    /** Connections a process holds for listening, on PostgreSQL. */
    static final int CONNECTIONS = 1;

    private static final Logger log = LoggerFactory.getLogger(Notifications.class);
    private static final String CHANNEL = "spool_changes";
    private static final long PROBE_MILLIS = 250;
    private static final long RECONNECT_MILLIS = 1_000;

    private record Subscriber(Consumer<String> changed, Runnable lost) {}

    private final String jdbcUrl;
    private final boolean shared;
    private final String connectionName =
            "spool-changes-" + UUID.randomUUID().toString().substring(0, 8);
    private final ConcurrentHashMap<String, List<Subscriber>> subscribers = new ConcurrentHashMap<>();
    /** Per open transaction (by identity: handles compare by their connection), the changes it published. */
    private final Map<Handle, Set<String>> inTransaction = Collections.synchronizedMap(new IdentityHashMap<>());
    /** Per transaction running {@link #batched}, the payloads held back to be sent together at its end. */
    private final Map<Handle, List<String>> held = Collections.synchronizedMap(new IdentityHashMap<>());

    private volatile long liveUntilNanos = System.nanoTime();
    private volatile boolean closed;
    private Thread listener;

    Notifications(String jdbcUrl, Dialect dialect) {
        this.jdbcUrl = jdbcUrl;
        this.shared = !dialect.singleWriter();
    }

    /**
     * Tells every subscriber of {@code topic}, in every process, that what {@code key} names changed, once
     * {@code h}'s transaction commits (at once if it runs outside one). {@code topic} holds no colon.
     */
    public void publish(Handle h, String topic, String key) {
        String payload = topic + ":" + key;
        if (h.isInTransaction() && !publishedIn(h).add(payload)) {
            // PostgreSQL folds a repeat within one transaction anyway: a worker's round that ends many tasks
            // would otherwise pay a round trip for each repeat.
            return;
        }
        if (shared) {
            var batch = held.get(h);
            if (batch != null) {
                batch.add(payload);
            } else {
                send(h, List.of(payload));
            }
        }
        if (h.isInTransaction()) {
            h.afterCommit(() -> deliver(topic, key));
        } else {
            deliver(topic, key);
        }
    }

    /**
     * Runs {@code work} in {@code h}'s open transaction with every change it publishes sent in one statement at its
     * end, instead of one statement each: what a worker's round, which changes many tasks, publishes. Still inside
     * the transaction, so nothing is heard unless it commits. When {@code work} throws, nothing is sent.
     */
    public <T> T batched(Handle h, Supplier<T> work) {
        if (!shared || !h.isInTransaction() || held.containsKey(h)) {
            return work.get();
        }
        var batch = new ArrayList<String>();
        held.put(h, batch);
        try {
            T result = work.get();
            held.remove(h);
            send(h, batch);
            return result;
        } finally {
            held.remove(h);
        }
    }

    /** One statement for any number of payloads (each well under PostgreSQL's 8000-byte limit: a topic and a key). */
    private static void send(Handle h, List<String> payloads) {
        if (payloads.isEmpty()) {
            return;
        }
        var sending = new Sending(payloads);
        sending.bind(h.createQuery("SELECT " + sending.condition()))
                .mapTo(Boolean.class)
                .one();
    }

    /**
     * Hands the changes that {@code h}'s batch ({@link #batched}) holds so far to a statement of the caller's, which
     * sends them by carrying {@link Sending#condition()}: the batch's last statement then notifies as well, a round
     * trip fewer. Empty when there is nothing to carry (the embedded store, no batch, nothing held).
     */
    public Optional<Sending> carry(Handle h) {
        var batch = held.get(h);
        if (batch == null || batch.isEmpty()) {
            return Optional.empty();
        }
        var payloads = List.copyOf(batch);
        batch.clear();
        return Optional.of(new Sending(payloads));
    }

    /** Payloads to send from inside a statement. */
    public record Sending(List<String> payloads) {
        /** Always true; evaluated once, it sends every payload (an uncorrelated subquery runs once per statement). */
        public String condition() {
            return "(SELECT COUNT(pg_notify(:notifyChannel, p)) FROM unnest(:notifyPayloads) AS p) >= 0";
        }

        public <S extends SqlStatement<S>> S bind(S statement) {
            return statement.bind("notifyChannel", CHANNEL).bind("notifyPayloads", Bound.textArray(payloads));
        }
    }

    /** What {@code h}'s open transaction has published so far; forgotten when it ends. */
    private Set<String> publishedIn(Handle h) {
        return inTransaction.computeIfAbsent(h, handle -> {
            handle.afterCommit(() -> inTransaction.remove(handle));
            handle.afterRollback(() -> inTransaction.remove(handle));
            return ConcurrentHashMap.newKeySet();
        });
    }

    /**
     * Calls {@code changed} with the key of each change to {@code topic} committed from now on, by any process, and
     * {@code lost} whenever changes may have been missed (the connection was lost, or listens again after a loss):
     * then anything derived from earlier changes must be forgotten. Both run on one thread and must be quick.
     */
    public void subscribe(String topic, Consumer<String> changed, Runnable lost) {
        subscribers.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(new Subscriber(changed, lost));
        if (shared) {
            startListening();
        }
    }

    /** Whether every change committed until very recently (within the lease) has reached the subscribers. */
    public boolean live() {
        return !shared || liveUntilNanos - System.nanoTime() > 0;
    }

    /** What {@code pg_stat_activity.application_name} shows for this process's listening connection. */
    public String connectionName() {
        return connectionName;
    }

    private synchronized void startListening() {
        if (listener == null && !closed) {
            listener = Thread.ofPlatform().daemon().name("spool-listen").start(this::listen);
        }
    }

    private void listen() {
        while (!closed) {
            try (Connection connection = connect()) {
                try (var statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                // Changes committed while no connection listened were never heard: whatever was kept goes.
                lostAll();
                log.info("listening for committed changes on {} (connection {})", CHANNEL, connectionName);
                stayCaughtUp(connection);
            } catch (SQLException | RuntimeException e) {
                liveUntilNanos = System.nanoTime();
                lostAll();
                if (!closed) {
                    log.warn(
                            "change notifications interrupted ({}); caches are bypassed, reconnecting in 1 s",
                            e.getMessage());
                    pause();
                }
            }
        }
    }

    /**
     * Every {@link #PROBE_MILLIS} a round trip proves the connection alive: PostgreSQL sends a listener every
     * notification committed before a statement before that statement's answer, so once the answer and the
     * notifications before it are handled, every change committed before the probe was sent has been heard.
     */
    private void stayCaughtUp(Connection connection) throws SQLException {
        var pg = connection.unwrap(PGConnection.class);
        while (!closed) {
            long sent = System.nanoTime();
            try (var statement = connection.createStatement()) {
                statement.execute("SELECT 1");
            }
            dispatch(pg.getNotifications());
            liveUntilNanos = sent + TimeUnit.MILLISECONDS.toNanos(LEASE_MILLIS);
            long nextProbe = sent + TimeUnit.MILLISECONDS.toNanos(PROBE_MILLIS);
            for (long left = nextProbe - System.nanoTime(); left > 0 && !closed; left = nextProbe - System.nanoTime()) {
                dispatch(pg.getNotifications((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
    }

    private Connection connect() throws SQLException {
        var properties = new Properties();
        properties.setProperty("ApplicationName", connectionName);
        properties.setProperty("connectTimeout", "5");
        // as the pools' connections: the kernel's probes keep a NAT or firewall from dropping a quiet listener
        properties.setProperty("tcpKeepAlive", "true");
        var connection = DriverManager.getConnection(jdbcUrl, properties);
        // A peer that vanished without closing the socket shows as a probe that never answers: fail it.
        connection.setNetworkTimeout(Runnable::run, (int) (2 * LEASE_MILLIS));
        return connection;
    }

    private void dispatch(PGNotification[] notifications) {
        if (notifications == null) {
            return;
        }
        for (var notification : notifications) {
            String payload = notification.getParameter();
            int colon = payload.indexOf(':');
            if (colon > 0) {
                deliver(payload.substring(0, colon), payload.substring(colon + 1));
            }
        }
    }

    private void deliver(String topic, String key) {
        for (var subscriber : subscribers.getOrDefault(topic, List.of())) {
            subscriber.changed().accept(key);
        }
    }

    private void lostAll() {
        for (var list : subscribers.values()) {
            for (var subscriber : list) {
                subscriber.lost().run();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(RECONNECT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (listener != null) {
            listener.interrupt();
        }
    }
}
