package dev.spool.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.testing.Await;
import dev.spool.testing.ScratchDatabase;
import dev.spool.testing.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The listening connection of {@link Notifications} on PostgreSQL, reached through a TCP relay the test can freeze:
 * a connection that goes silent (no error, no close) stops being live within the lease, its subscribers are told to
 * forget once it is given up, and listening resumes when the path is back.
 */
class NotificationsTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private ScratchDatabase database;
    private Relay relay;
    private Notifications notifications;
    private final List<String> heard = new CopyOnWriteArrayList<>();
    private final AtomicInteger lost = new AtomicInteger();

    @BeforeEach
    void listenThroughARelay() throws IOException {
        database = ScratchDatabase.create(Store.POSTGRES, Files.createTempDirectory("notifications"));
        var address = Pattern.compile("//([^:/]+)(?::(\\d+))?/").matcher(database.url());
        assertThat(address.find()).as("host and port in %s", database.url()).isTrue();
        int port = address.group(2) == null ? 5432 : Integer.parseInt(address.group(2));
        relay = new Relay(address.group(1), port);
        String relayed = database.url().replaceFirst("//[^/]+/", "//127.0.0.1:" + relay.port() + "/");
        notifications = new Notifications(relayed, Dialect.POSTGRES);
        notifications.subscribe("t", heard::add, lost::incrementAndGet);
    }

    @AfterEach
    void stop() {
        notifications.close();
        relay.close();
        database.close();
    }

    @Test
    void givenALiveConnection_whenItGoesSilent_thenItIsNoLongerLiveWithinTheLease_andSubscribersForget()
            throws SQLException {
        Await.until(notifications::live, live -> live, WAIT, "the listening connection to be live");
        notifyDirectly("t:first");
        Await.until(() -> heard, h -> h.contains("first"), WAIT, "a notification through the relay");
        int lostBefore = lost.get();

        relay.freeze();
        long frozen = System.nanoTime();

        Await.until(notifications::live, live -> !live, WAIT, "the silent connection to stop being live");
        assertThat(Duration.ofNanos(System.nanoTime() - frozen))
                .as("time from silence to not live")
                .isLessThan(Duration.ofMillis(Notifications.LEASE_MILLIS + 500));
        Await.until(lost::get, n -> n > lostBefore, WAIT, "subscribers told to forget");
        relay.thaw();
        Await.until(notifications::live, live -> live, WAIT, "listening again once the path is back");
        notifyDirectly("t:second");
        Await.until(() -> heard, h -> h.contains("second"), WAIT, "a notification on the new connection");
    }

    @Test
    void givenChangesPublishedInABatch_whenTheTransactionCommits_thenEveryKeyIsHeardOnce_andNothingOfARollback()
            throws Exception {
        Await.until(notifications::live, live -> live, WAIT, "the listening connection to be live");
        // A second process's notifications, on the same store: it publishes, the first one listens.
        var publisher = new Notifications(database.url(), Dialect.POSTGRES);
        var jdbi = Jdbi.create(database.url());
        var keys = List.of("a", "b", "c", "d", "e");

        jdbi.useTransaction(h -> publisher.batched(h, () -> {
            for (String key : keys) {
                publisher.publish(h, "t", key);
                publisher.publish(h, "t", key);
            }
            return null;
        }));
        assertThatThrownBy(() -> jdbi.useTransaction(h -> publisher.batched(h, () -> {
                    publisher.publish(h, "t", "rolled-back");
                    throw new IllegalStateException("scripted failure");
                })))
                .hasMessageContaining("scripted failure");
        notifyDirectly("t:after");

        Await.until(() -> heard, h -> h.contains("after"), WAIT, "the notification sent after both transactions");
        assertThat(heard).containsExactly("a", "b", "c", "d", "e", "after");
    }

    @Test
    void givenABatchWhoseLastStatementCarriesItsChanges_whenItCommits_thenEachIsHeardOnce_andNoneIsSentTwice()
            throws Exception {
        Await.until(notifications::live, live -> live, WAIT, "the listening connection to be live");
        var publisher = new Notifications(database.url(), Dialect.POSTGRES);
        var jdbi = Jdbi.create(database.url());
        jdbi.useHandle(h -> h.execute("CREATE TABLE carried (n INTEGER)"));

        jdbi.useTransaction(h -> publisher.batched(h, () -> {
            publisher.publish(h, "t", "x");
            publisher.publish(h, "t", "y");
            var sending = publisher.carry(h).orElseThrow();
            sending.bind(h.createUpdate("INSERT INTO carried (n) SELECT v.column1 FROM (VALUES (1), (2)) AS v WHERE "
                            + sending.condition()))
                    .execute();
            assertThat(publisher.carry(h)).as("nothing left to carry").isEmpty();
            return null;
        }));
        notifyDirectly("t:after");

        Await.until(() -> heard, h -> h.contains("after"), WAIT, "the notification sent after the batch");
        assertThat(heard).containsExactly("x", "y", "after");
        int rows = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM carried")
                .mapTo(Integer.class)
                .one());
        assertThat(rows).as("rows the carrying statement wrote").isEqualTo(2);
    }

    private void notifyDirectly(String payload) throws SQLException {
        try (var connection = DriverManager.getConnection(database.url());
                var statement = connection.prepareStatement("SELECT pg_notify('spool_changes', ?)")) {
            statement.setString(1, payload);
            statement.execute();
        }
    }

    /** Relays TCP connections to a server; frozen, it forwards nothing and closes nothing, like a cut cable. */
    private static final class Relay implements AutoCloseable {
        private final ServerSocket server;
        private final String host;
        private final int port;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private volatile boolean frozen;

        Relay(String host, int port) throws IOException {
            this.host = host;
            this.port = port;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofPlatform().daemon().start(this::accept);
        }

        int port() {
            return server.getLocalPort();
        }

        void freeze() {
            frozen = true;
        }

        /** Forwards again; connections frozen meanwhile are cut, as a dead path's are by then. */
        void thaw() {
            for (var socket : sockets) {
                closeQuietly(socket);
            }
            sockets.clear();
            frozen = false;
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    var client = server.accept();
                    if (frozen) {
                        client.close();
                        continue;
                    }
                    var upstream = new Socket(host, port);
                    sockets.add(client);
                    sockets.add(upstream);
                    Thread.ofPlatform().daemon().start(() -> pump(client, upstream));
                    Thread.ofPlatform().daemon().start(() -> pump(upstream, client));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void pump(Socket from, Socket to) {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    while (frozen && !from.isClosed()) {
                        Thread.sleep(10);
                    }
                    if (from.isClosed()) {
                        return;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // The other side or the test closed the connection.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }

        private static void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            thaw();
        }
    }
}
