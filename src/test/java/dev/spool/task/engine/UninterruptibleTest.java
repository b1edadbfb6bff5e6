package dev.spool.task.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.testing.ScratchDatabase;
import dev.spool.testing.Store;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A parent's chunk helper is stopped by an interrupt, which may land while it claims a chunk. These prove the claim's
 * database call then runs to its end on a connection that stays open, on a real PostgreSQL.
 */
class UninterruptibleTest {
    private static final String SLOW_QUERY = "SELECT 42 FROM pg_sleep(0.5)";

    @TempDir
    Path dir;

    @Test
    void an_interrupt_during_a_database_call_waits_for_it_and_stays_set() throws Exception {
        try (var database = ScratchDatabase.create(Store.POSTGRES, dir);
                var connection = DriverManager.getConnection(database.url())) {
            // when a virtual thread is interrupted 100 ms into a 500 ms query run through Uninterruptible
            var outcome = interruptedDuring(() -> Uninterruptible.call(() -> answer(connection)));

            // then the query answered, the thread still knows it was interrupted, and the connection works on
            assertThat(outcome.join()).isEqualTo("42, interrupted");
            assertThat(connection.isClosed()).isFalse();
            assertThat(answer(connection)).isEqualTo(42);
        }
    }

    @Test
    void without_it_the_same_interrupt_closes_the_connection_mid_call() throws Exception {
        try (var database = ScratchDatabase.create(Store.POSTGRES, dir);
                var connection = DriverManager.getConnection(database.url())) {
            // when the same query runs on the interrupted thread itself
            var outcome = interruptedDuring(() -> answer(connection));

            // then the driver gave up on the call: its socket was closed under it
            assertThat(outcome.join()).startsWith("failed");
            assertThat(connection.isClosed()).isTrue();
        }
    }

    @Test
    void a_failure_of_the_call_reaches_the_caller_as_thrown() {
        var failure = new IllegalStateException("the claim failed");
        assertThatThrownBy(() -> Uninterruptible.call(() -> {
                    throw failure;
                }))
                .isSameAs(failure);
    }

    /**
     * Runs {@code call} on a virtual thread interrupted 100 ms in; answers its value and whether the thread saw the
     * interrupt afterwards, or "failed" with the failure.
     */
    private static CompletableFuture<String> interruptedDuring(Supplier<Integer> call) throws InterruptedException {
        var outcome = new CompletableFuture<String>();
        var thread = Thread.ofVirtual().start(() -> {
            try {
                int value = call.get();
                outcome.complete(
                        value + (Thread.currentThread().isInterrupted() ? ", interrupted" : ", not interrupted"));
            } catch (RuntimeException e) {
                outcome.complete("failed: " + e);
            }
        });
        Thread.sleep(100);
        thread.interrupt();
        thread.join();
        return outcome;
    }

    private static int answer(Connection connection) {
        try (var statement = connection.createStatement();
                var rows = statement.executeQuery(SLOW_QUERY)) {
            rows.next();
            return rows.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
