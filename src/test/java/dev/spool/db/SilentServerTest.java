package dev.spool.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.spool.config.Config;
import dev.spool.testing.ScratchDatabase;
import dev.spool.testing.Store;
import dev.spool.testing.TcpRelay;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL server that stops answering without closing its connections (its host lost, a failover to another
 * address): a statement waiting on such a connection gives up within the read timeout, and the pool goes on with new
 * connections.
 */
class SilentServerTest {
    @TempDir
    Path dir;

    @Test
    void given_no_setting_when_the_pools_connect_then_their_reads_wait_at_most_a_minute() {
        var config = Config.fromEnv(Map.of());
        try (var scratch = ScratchDatabase.create(Store.POSTGRES, dir);
                var database = Database.open(scratch.url(), config.databaseReadTimeout())) {
            assertThat(config.databaseReadTimeout()).isEqualTo(Duration.ofSeconds(60));
            assertThat(readTimeoutMillis(database.jdbi())).isEqualTo(60_000);
            assertThat(readTimeoutMillis(database.plannedOnce())).isEqualTo(60_000);
            assertThat(idleInTransactionTimeout(database.jdbi())).isEqualTo("1min");
            assertThat(idleInTransactionTimeout(database.plannedOnce())).isEqualTo("1min");
        }
    }

    @Test
    void given_a_url_that_sets_socket_timeout_when_the_pools_connect_then_the_url_wins() {
        try (var scratch = ScratchDatabase.create(Store.POSTGRES, dir);
                var database = Database.open(scratch.url() + "&socketTimeout=2", Config.DATABASE_READ_TIMEOUT)) {
            assertThat(readTimeoutMillis(database.jdbi())).isEqualTo(2_000);
            assertThat(readTimeoutMillis(database.plannedOnce())).isEqualTo(2_000);
        }
    }

    @Test
    void given_open_connections_when_they_go_silent_then_a_statement_fails_within_the_timeout_and_the_next_works() {
        try (var scratch = ScratchDatabase.create(Store.POSTGRES, dir);
                var relay = TcpRelay.toServerOf(scratch.url());
                var database = Database.open(relay.relayed(scratch.url()), Duration.ofSeconds(2))) {
            var jdbi = database.plannedOnce();
            Throwable failure;
            long silenced;
            try (var handle = jdbi.open()) {
                assertThat(answer(handle)).isEqualTo(1);

                // when the connection in use goes silent: nothing answers, nothing is closed
                relay.silenceOpenConnections();
                silenced = System.nanoTime();

                // then the statement sent on it fails once the read timeout has passed, not when the kernel gives up
                failure = catchThrowable(() -> answer(handle));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - silenced))
                    .isBetween(Duration.ofMillis(1_900), Duration.ofSeconds(10));
            assertThat(failure).hasStackTraceContaining("I/O error");
            // as the store not answering (what the API answers 503 for), unlike a statement's own fault
            assertThat(Database.unreachable(failure)).isTrue();
            assertThat(Database.unreachable(
                            catchThrowable(() -> jdbi.useHandle(h -> h.execute("SELECT * FROM nowhere")))))
                    .isFalse();
            // and the pool dropped that connection: the next statement goes through a new one
            assertThat(answer(jdbi)).isEqualTo(1);
        }
    }

    @Test
    void given_a_transaction_cut_off_before_its_commit_then_the_server_ends_it_within_the_timeout_and_its_locks_go() {
        try (var scratch = ScratchDatabase.create(Store.POSTGRES, dir);
                var relay = TcpRelay.toServerOf(scratch.url());
                var database = Database.open(relay.relayed(scratch.url()), Duration.ofSeconds(2))) {
            var direct = Jdbi.create(scratch.url());
            direct.useHandle(h -> h.execute("CREATE TABLE held (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)"));
            direct.useHandle(h -> h.execute("INSERT INTO held (id, n) VALUES (1, 0)"));

            // when a transaction locks the row and the path goes silent before its commit reaches the server
            assertThatThrownBy(() -> database.jdbi().useTransaction(h -> {
                        h.execute("UPDATE held SET n = n + 1 WHERE id = 1");
                        relay.silenceOpenConnections();
                    }))
                    .hasStackTraceContaining("I/O error");
            long cut = System.nanoTime();

            // then the server, which cannot tell the client is gone, ends the session once it has left the
            // transaction open for the timeout: the row is free again and the uncommitted change is gone
            direct.useHandle(h -> {
                h.execute("SET lock_timeout = '30s'");
                h.execute("UPDATE held SET n = n + 10 WHERE id = 1");
            });
            assertThat(Duration.ofNanos(System.nanoTime() - cut)).isLessThan(Duration.ofSeconds(10));
            int n = direct.withHandle(h -> h.createQuery("SELECT n FROM held WHERE id = 1")
                    .mapTo(Integer.class)
                    .one());
            assertThat(n).isEqualTo(10);
        }
    }

    private static int answer(Jdbi jdbi) {
        return jdbi.withHandle(SilentServerTest::answer);
    }

    private static int answer(Handle handle) {
        return handle.createQuery("SELECT 1").mapTo(Integer.class).one();
    }

    private static String idleInTransactionTimeout(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("SHOW idle_in_transaction_session_timeout")
                .mapTo(String.class)
                .one());
    }

    private static int readTimeoutMillis(Jdbi jdbi) {
        return jdbi.withHandle(h -> {
            try {
                return h.getConnection().getNetworkTimeout();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
