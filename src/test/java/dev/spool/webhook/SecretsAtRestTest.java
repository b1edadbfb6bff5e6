package dev.spool.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.crypto.ServerKey;
import dev.spool.testing.BothStores;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/** What a copy of the data directory or the database gives away: no plaintext webhook secret, no readable file. */
@BothStores
class SecretsAtRestTest {
    private static final String SECRET = "WEBHOOK-SHARED-SECRET-AT-REST";

    @Parameter
    Store store;

    static String storedSecret(TestServer server, String id) {
        return server.server()
                .database()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT shared_secret FROM webhooks WHERE id = :id")
                        .bind("id", id)
                        .mapTo(String.class)
                        .one());
    }

    static String create(TestServer server, String secret) {
        var created = server.admin()
                .post(
                        "/api/webhook",
                        Map.of(
                                "name",
                                "w",
                                "url",
                                "https://hooks.example.com/a",
                                "events",
                                List.of("task.completed"),
                                "sharedSecret",
                                secret));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        return created.json().path("id").asText();
    }

    @Test
    void givenAWebhookWithASecret_whenCreatedAndReplaced_thenTheDatabaseHoldsItSealedUnderTheServerKey()
            throws Exception {
        try (var server = TestServer.start(store)) {
            String id = create(server, SECRET);
            var box = ServerKey.load(server.config().secretKey(), server.dataDir());

            assertThat(storedSecret(server, id)).doesNotContain(SECRET);
            assertThat(box.open(storedSecret(server, id))).isEqualTo(SECRET);

            server.admin()
                    .put(
                            "/api/webhook/" + id,
                            Map.of(
                                    "name",
                                    "w",
                                    "url",
                                    "https://hooks.example.com/b",
                                    "events",
                                    List.of("task.failed"),
                                    "sharedSecret",
                                    SECRET + "-2"));

            assertThat(box.open(storedSecret(server, id))).isEqualTo(SECRET + "-2");
        }
    }

    @Test
    void givenASecretStoredInPlaintextByAnEarlierVersion_whenTheServerStarts_thenItIsSealed() throws Exception {
        try (var server = TestServer.start(store)) {
            String id = create(server, SECRET);
            server.server()
                    .database()
                    .jdbi()
                    .useHandle(h -> h.createUpdate(
                                    "UPDATE webhooks SET shared_secret = :plain, secret_sealed = FALSE WHERE id = :id")
                            .bind("plain", SECRET)
                            .bind("id", id)
                            .execute());

            server.restart();

            assertThat(storedSecret(server, id)).doesNotContain(SECRET);
            assertThat(ServerKey.load(server.config().secretKey(), server.dataDir())
                            .open(storedSecret(server, id)))
                    .isEqualTo(SECRET);
        }
    }

    @Test
    void givenAFirstStart_thenTheDataDirectoryAndTheDatabaseFilesAreTheOwnersOnly() throws IOException {
        try (var server = TestServer.start(store)) {
            create(server, SECRET);
            Path dir = server.dataDir();

            assertThat(permissions(dir)).isEqualTo("rwx------");
            if (store != Store.SQLITE) {
                return; // PostgreSQL keeps its files in its own server's directory, not in Spool's
            }
            try (var files = Files.list(dir)) {
                var databaseFiles = files.filter(f -> f.getFileName().toString().startsWith("spool.db"))
                        .toList();
                assertThat(databaseFiles)
                        .extracting(f -> f.getFileName().toString())
                        .contains("spool.db", "spool.db-wal", "spool.db-shm");
                for (Path file : databaseFiles) {
                    assertThat(permissions(file)).as(file.toString()).isEqualTo("rw-------");
                }
            }
        }
    }

    private static String permissions(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }
}
