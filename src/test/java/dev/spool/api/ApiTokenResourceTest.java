package dev.spool.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import dev.spool.testing.BothStores;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/** {@code /api/api-token} over real HTTP, on both stores: create (secret once), list, revoke, tenants. */
@BothStores
class ApiTokenResourceTest {
    @RegisterExtension
    static final SharedServers servers = new SharedServers();

    @Parameter
    Store store;

    TestServer server;
    ApiClient owner;

    @BeforeEach
    void connect() {
        server = servers.on(store);
        owner = server.client(server.createUserKey("owner-" + UUID.randomUUID() + "@example.com")
                .key());
    }

    JsonNode create(ApiClient as, String name) {
        var response = as.post("/api/api-token", Map.of("name", name));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    @Test
    void givenACreatedKey_thenItsSecretWorksIsNeverListedAndStopsWorkingOnceRevoked() {
        var created = create(owner, "website");
        String secret = created.path("secret").asText();
        var withNewKey = server.client(secret);
        assertThat(withNewKey.get("/api/asset").status()).isEqualTo(200);

        var listed = owner.get("/api/api-token").json();
        var entry = StreamSupport.stream(listed.spliterator(), false)
                .filter(k -> k.path("id").asText().equals(created.path("id").asText()))
                .findFirst()
                .orElseThrow();
        assertThat(entry.path("name").asText()).isEqualTo("website");
        assertThat(entry.has("secret")).isFalse();
        assertThat(listed.toString()).doesNotContain(secret);

        assertThat(owner.delete("/api/api-token/" + created.path("id").asText()).status())
                .isEqualTo(204);
        Await.until(
                () -> withNewKey.get("/api/asset").status(),
                status -> status == 401,
                Duration.ofSeconds(10),
                "the revoked key to be refused");
        assertThat(owner.get("/api/api-token").body())
                .doesNotContain(created.path("id").asText());
    }

    @Test
    void givenAnotherUsersKey_thenItIsNeitherListedNorRevocable() {
        var mine = create(owner, "mine");
        var stranger = server.client(server.createUserKey("stranger-" + UUID.randomUUID() + "@example.com")
                .key());

        assertThat(stranger.get("/api/api-token").body())
                .doesNotContain(mine.path("id").asText());
        assertThat(stranger.delete("/api/api-token/" + mine.path("id").asText()).status())
                .isEqualTo(404);
        assertThat(server.client(mine.path("secret").asText()).get("/api/asset").status())
                .isEqualTo(200);
    }

    @Test
    void givenNoName_thenTheFieldIsNamedIn422() {
        var response = owner.post("/api/api-token", Map.of("name", "  "));

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.body()).contains("name");
    }

    @Test
    void givenNoKey_thenTheRoutesAnswer401() {
        assertThat(server.anonymous().get("/api/api-token").status()).isEqualTo(401);
    }
}
