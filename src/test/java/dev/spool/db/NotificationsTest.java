package dev.spool.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.testing.Await;
import dev.spool.testing.ScratchDatabase;
import dev.spool.testing.Store;
import dev.spool.testing.TcpRelay;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
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
    private TcpRelay relay;
    private Notifications notifications;
    private final List<String> heard = new CopyOnWriteArrayList<>();
    private final AtomicInteger lost = new AtomicInteger();

    @BeforeEach
    void listenThroughARelay() throws IOException {
        database = ScratchDatabase.create(Store.POSTGRES, Files.createTempDirectory("notifications"));
        relay = TcpRelay.toServerOf(database.url());
        String relayed = relay.relayed(database.url());
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
}
