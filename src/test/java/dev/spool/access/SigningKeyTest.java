package dev.spool.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.testing.ApiClient;
import dev.spool.testing.BothStores;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/** {@code /api/access-control/signing-key} over real HTTP, on both stores: the lifecycle and tenant isolation. */
@BothStores
class SigningKeyTest {
    @RegisterExtension
    static final SharedServers servers = new SharedServers();

    @Parameter
    Store store;

    TestServer server;
    TestServer.UserKey owner;
    ApiClient client;

    @BeforeEach
    void connect() {
        server = servers.on(store);
        owner = server.createUserKey("keys-" + UUID.randomUUID() + "@example.com");
        client = server.client(owner.key());
    }

    JsonNode create(String name) {
        var response = client.post("/api/access-control/signing-key", Map.of("name", name));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    @Test
    void aKeyIsCreatedWithItsPrivateHalfOnceThenReadListedRenamedDisabledAndDeleted() throws Exception {
        var created = create("player");
        String id = created.path("id").asText();

        assertThat(created.path("name").asText()).isEqualTo("player");
        assertThat(created.path("userId").asText()).isEqualTo(owner.userId());
        assertThat(created.path("projectId").asText()).isEqualTo(owner.projectId());
        assertThat(created.path("disabled").asBoolean()).isFalse();
        assertThat(created.path("createdAt").asLong()).isPositive();
        String pem =
                new String(Base64.getDecoder().decode(created.path("publicKey").asText()), StandardCharsets.US_ASCII);
        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
        var publicKey = KeyFactory.getInstance("EC")
                .generatePublic(new X509EncodedKeySpec(
                        PlaybackTokens.der(created.path("publicKey").asText())));
        assertThat(((ECPublicKey) publicKey).getParams().getCurve().getField().getFieldSize())
                .isEqualTo(256);
        assertThat(KeyFactory.getInstance("EC")
                        .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(
                                PlaybackTokens.der(created.path("privateKey").asText()))))
                .isNotNull();

        var read = client.get("/api/access-control/signing-key/" + id).json();
        assertThat(read.has("privateKey")).isFalse();
        assertThat(read.path("publicKey")).isEqualTo(created.path("publicKey"));
        assertThat(client.get("/api/access-control/signing-key").json()).containsExactly(read);

        var renamed =
                client.patch("/api/access-control/signing-key/" + id, Map.of("name", "rotated", "disabled", true));
        assertThat(renamed.status()).as(renamed.body()).isEqualTo(204);
        var changed = client.get("/api/access-control/signing-key/" + id).json();
        assertThat(changed.path("name").asText()).isEqualTo("rotated");
        assertThat(changed.path("disabled").asBoolean()).isTrue();
        assertThat(client.patch("/api/access-control/signing-key/" + id, Map.of("disabled", false))
                        .status())
                .isEqualTo(204);
        assertThat(client.get("/api/access-control/signing-key/" + id)
                        .json()
                        .path("disabled")
                        .asBoolean())
                .isFalse();

        assertThat(client.delete("/api/access-control/signing-key/" + id).status())
                .isEqualTo(204);
        assertThat(client.get("/api/access-control/signing-key/" + id).status()).isEqualTo(404);
        assertThat(client.get("/api/access-control/signing-key").json()).isEmpty();
    }

    @Test
    void givenNoBody_whenAKeyIsCreated_thenItGetsADefaultName() {
        var response = client.post("/api/access-control/signing-key");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().path("name").asText()).isNotBlank();
    }

    @Test
    void anotherTenantsKeyDoesNotExistForTheCaller() {
        String id = create("mine").path("id").asText();
        var stranger = server.client(server.createUserKey("stranger-" + UUID.randomUUID() + "@example.com")
                .key());

        assertThat(stranger.get("/api/access-control/signing-key/" + id).status())
                .isEqualTo(404);
        assertThat(stranger.patch("/api/access-control/signing-key/" + id, Map.of("disabled", true))
                        .status())
                .isEqualTo(404);
        assertThat(stranger.delete("/api/access-control/signing-key/" + id).status())
                .isEqualTo(404);
        assertThat(stranger.get("/api/access-control/signing-key").json()).isEmpty();
        assertThat(client.get("/api/access-control/signing-key/" + id)
                        .json()
                        .path("disabled")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        String id = create("strict").path("id").asText();

        var otherProject = client.post("/api/access-control/signing-key", Map.of("projectId", "someone-elses"));
        assertThat(otherProject.status()).isEqualTo(422);
        assertThat(otherProject.body()).contains("projectId");
        var emptyName = client.patch("/api/access-control/signing-key/" + id, Map.of("name", " "));
        assertThat(emptyName.status()).isEqualTo(422);
        assertThat(emptyName.body()).contains("name");
        var unknown = client.patch("/api/access-control/signing-key/" + id, Map.of("publicKey", "x"));
        assertThat(unknown.status()).isEqualTo(422);
    }

    @Test
    void aProjectHoldsAtMostTenKeys() {
        for (int i = 0; i < SigningKeys.LIMIT; i++) {
            create("key " + i);
        }

        var eleventh = client.post("/api/access-control/signing-key", Map.of("name", "one too many"));

        assertThat(eleventh.status()).isEqualTo(403);
        assertThat(eleventh.json().path("errors").get(0).asText()).contains("at most 10 signing keys");
    }
}
