package dev.spool.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two Spool processes on one PostgreSQL schema (two servers in this JVM, each with its own pool, caches and
 * listening connection: to PostgreSQL they are two processes). Each caches task reads and API keys, yet a change
 * committed by the other, or by plain SQL that notifies, is served once its notification arrives; a key revoked on
 * one is refused by the other long before it would be forgotten without notifications; a webhook added on one
 * receives the other's next events; and when a listening connection is lost, what its process cached goes, changes
 * made meanwhile included.
 */
class CachedReadsAcrossProcessesTest {
    /**
     * Notifications arrive within milliseconds; a loaded machine gets room, yet this stays below the time a key is
     * remembered without them, so only a notification meets it.
     */
    private static final Duration HEARD = Authentication.REMEMBER.minusSeconds(2);

    private static final Duration WAIT = Duration.ofSeconds(10);

    TestServer first;
    TestServer second;
    ApiClient firstAdmin;
    ApiClient secondAdmin;

    @BeforeEach
    void twoProcessesOnOneSchema() {
        var shared = new HashMap<String, String>();
        shared.put("SPOOL_SECRET_KEY", randomKey());
        shared.put("SPOOL_WEBHOOK_ALLOW_PRIVATE", "true");
        first = TestServer.start(Store.POSTGRES, shared);
        shared.put("SPOOL_DATABASE_URL", first.databaseUrl());
        shared.put("SPOOL_STORAGE_URL", first.dataDir().resolve("objects").toString());
        second = TestServer.start(Store.POSTGRES, shared);
        firstAdmin = first.admin();
        secondAdmin = second.client(first.adminKey());
    }

    @AfterEach
    void stop() {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
    }

    @Test
    void givenATaskCachedByBothProcesses_whenOneCancelsIt_thenTheOtherServesTheCancelOnceItHearsOfIt() {
        String id = CachedReadsTest.createTask(firstAdmin);
        assertThat(phase(secondAdmin, id)).isEqualTo("waiting");
        assertThat(phase(secondAdmin, id)).isEqualTo("waiting");

        assertThat(firstAdmin.post("/api/task/" + id + "/cancel").status()).isEqualTo(200);

        assertThat(phase(firstAdmin, id)).isEqualTo("cancelled");
        Await.until(() -> phase(secondAdmin, id), "cancelled"::equals, HEARD, "the other process to serve the cancel");
    }

    @Test
    void givenACachedTask_whenPlainSqlChangesItAndNotifies_thenTheChangeIsServed() throws SQLException {
        String id = CachedReadsTest.createTask(firstAdmin);
        long before = updatedAt(firstAdmin, id);
        assertThat(updatedAt(firstAdmin, id)).isEqualTo(before);

        sql(
                "UPDATE tasks SET updated_at = updated_at + 1000 WHERE id = '" + id + "'",
                "SELECT pg_notify('spool_changes', 'task:" + id + "')");

        Await.until(() -> updatedAt(firstAdmin, id), at -> at == before + 1000, HEARD, "the notified change");
    }

    @Test
    void givenAKeyUsedOnBothProcesses_whenOneRevokesIt_thenTheOtherRefusesItAsSoonAsItHears() {
        var user = first.createUserKey("revoked-" + System.nanoTime() + "@example.com");
        var onFirst = first.client(user.key());
        var onSecond = second.client(user.key());
        assertThat(onSecond.get("/api/task").status()).isEqualTo(200);
        assertThat(onFirst.get("/api/task").status()).isEqualTo(200);
        String keyId = onFirst.get("/api/api-token").json().get(0).path("id").asText();

        assertThat(onFirst.delete("/api/api-token/" + keyId).status()).isEqualTo(204);

        assertThat(onFirst.get("/api/task").status())
                .as("the revoking process, right after")
                .isEqualTo(401);
        Await.until(() -> onSecond.get("/api/task").status(), status -> status == 401, HEARD, "the other refusal");
    }

    @Test
    void givenAnOwnersSubscriptionsKnownToOneProcess_whenTheOtherAddsAWebhook_thenTheFirstsNextEventsReachIt() {
        // The second process records an event for this owner, and with it that the owner has no webhook.
        CachedReadsTest.createTask(secondAdmin);
        var created = firstAdmin.post(
                "/api/webhook",
                Map.of("name", "late", "url", "http://127.0.0.1:9/hook", "events", List.of("task.spawned")));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String webhookId = created.json().path("id").asText();

        Await.until(
                () -> {
                    CachedReadsTest.createTask(secondAdmin);
                    return deliveries(webhookId);
                },
                n -> n > 0,
                HEARD,
                "a task created on the other process queued for the new webhook");
    }

    @Test
    void givenACachedTask_whenTheListeningConnectionIsLostAndTheTaskChangesUnheard_thenTheChangeIsServedAfterwards()
            throws SQLException {
        String id = CachedReadsTest.createTask(firstAdmin);
        String probe = CachedReadsTest.createTask(firstAdmin);
        long before = updatedAt(firstAdmin, id);
        assertThat(updatedAt(firstAdmin, id)).isEqualTo(before);
        String listening = first.server().database().notifications().connectionName();
        int lost = listenerPid(listening);

        sql("SELECT pg_terminate_backend(" + lost + ")");
        // Committed without a notification, as any change made while no connection listened goes unheard.
        sql("UPDATE tasks SET updated_at = updated_at + 1000 WHERE id = '" + id + "'");

        Await.until(() -> listenerPid(listening), pid -> pid != 0 && pid != lost, WAIT, "a new listening connection");
        Await.until(() -> servedFromCache(probe), cached -> cached, WAIT, "reads served from the cache again");
        assertThat(updatedAt(firstAdmin, id))
                .as("the task as changed while no connection listened")
                .isEqualTo(before + 1000);
    }

    /**
     * Whether a read of the probe task came from the cache: a change made by SQL without a notification is not seen
     * by the read that follows it only when that read did not ask the database.
     */
    private boolean servedFromCache(String probe) {
        long read = updatedAt(firstAdmin, probe);
        sqlQuietly("UPDATE tasks SET updated_at = updated_at + 1 WHERE id = '" + probe + "'");
        return updatedAt(firstAdmin, probe) == read;
    }

    private static String phase(ApiClient client, String id) {
        var read = client.get("/api/task/" + id);
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        return read.json().path("status").path("phase").asText();
    }

    private static long updatedAt(ApiClient client, String id) {
        var read = client.get("/api/task/" + id);
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        return read.json().path("status").path("updatedAt").asLong();
    }

    private int deliveries(String webhookId) {
        try (var connection = DriverManager.getConnection(first.databaseUrl());
                var statement =
                        connection.prepareStatement("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ?")) {
            statement.setString(1, webhookId);
            try (var rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The backend of the listening connection with this application name, 0 while there is none. */
    private int listenerPid(String applicationName) {
        try (var connection = DriverManager.getConnection(first.databaseUrl());
                var statement = connection.prepareStatement(
                        "SELECT pid FROM pg_stat_activity WHERE application_name = ? ORDER BY backend_start DESC")) {
            statement.setString(1, applicationName);
            try (var rows = statement.executeQuery()) {
                return rows.next() ? rows.getInt(1) : 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void sql(String... statements) throws SQLException {
        try (var connection = DriverManager.getConnection(first.databaseUrl())) {
            connection.setAutoCommit(false);
            try (var statement = connection.createStatement()) {
                for (String each : statements) {
                    statement.execute(each);
                }
            }
            connection.commit();
        }
    }

    private void sqlQuietly(String statement) {
        try {
            sql(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
