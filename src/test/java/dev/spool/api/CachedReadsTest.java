package dev.spool.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.ApiClient;
import dev.spool.testing.BothStores;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/**
 * Task reads and API keys are served from memory, yet the process that changes them sees the change at once, on
 * both stores: a read right after a change shows it, a revoked key is refused on the next request, and a key
 * created after its secret was refused works at once. (Changes made by other processes: {@code
 * CachedReadsAcrossProcessesTest}.)
 */
@BothStores
class CachedReadsTest {
    private static final int ROUNDS = 25;

    @RegisterExtension
    static final SharedServers servers = new SharedServers();

    @Parameter
    Store store;

    TestServer server;
    ApiClient admin;

    @BeforeEach
    void connect() {
        server = servers.on(store);
        admin = server.admin();
    }

    static String createTask(ApiClient client) {
        var created = client.post(
                "/api/task",
                Map.of("type", "export-data", "params", Map.of("exportData", Map.of("content", Map.of()))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().path("id").asText();
    }

    @Test
    void givenATaskReadBeforeEachChange_whenItsProcessChangesIt_thenTheVeryNextReadShowsTheChange() {
        String id = createTask(admin);

        for (int round = 0; round < ROUNDS; round++) {
            assertThat(phase(id)).isEqualTo("waiting");
            assertThat(admin.post("/api/task/" + id + "/cancel").status()).isEqualTo(200);
            assertThat(phase(id))
                    .as("read right after the cancel, round %d", round)
                    .isEqualTo("cancelled");
            assertThat(admin.post("/api/task/" + id + "/retry").status()).isEqualTo(200);
        }
    }

    @Test
    void givenAKeyJustUsed_whenItIsRevoked_thenTheNextRequestWithItIsRefused() {
        var user = server.createUserKey("revoked-" + System.nanoTime() + "@example.com");
        var client = server.client(user.key());
        assertThat(client.get("/api/task").status()).isEqualTo(200);
        String keyId = client.get("/api/api-token").json().get(0).path("id").asText();

        assertThat(client.delete("/api/api-token/" + keyId).status()).isEqualTo(204);

        assertThat(client.get("/api/task").status())
                .as("the request right after the revocation")
                .isEqualTo(401);
    }

    @Test
    void givenASecretRefusedOnce_whenAKeyWithItIsCreated_thenItWorksAtOnce() {
        String secret = "chosen-" + System.nanoTime();
        assertThat(server.client(secret).get("/api/task").status()).isEqualTo(401);
        var user = server.server().accounts().createUser("chosen-" + System.nanoTime() + "@example.com", false);

        server.server().accounts().storeApiKey(user.id(), user.defaultProjectId(), "chosen", secret);

        assertThat(server.client(secret).get("/api/task").status())
                .as("the request right after the key was created")
                .isEqualTo(200);
    }

    private String phase(String id) {
        var read = admin.get("/api/task/" + id);
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        return read.json().path("status").path("phase").asText();
    }
}
