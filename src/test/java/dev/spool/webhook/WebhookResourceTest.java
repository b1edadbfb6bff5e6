package dev.spool.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.testing.ApiClient;
import dev.spool.testing.BothStores;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/** {@code /api/webhook} over real HTTP, on SQLite and on PostgreSQL: subscriptions, validation, tenants, paging. */
@BothStores
class WebhookResourceTest {
    private static final String SECRET = "WEBHOOK-SHARED-SECRET-0001";
    // Public address space that needs no answer: these tests send nothing.
    private static final String URL = "https://hooks.example.com/spool";

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
        owner = server.createUserKey("owner-" + UUID.randomUUID() + "@example.com");
        client = server.client(owner.key());
    }

    static Map<String, Object> webhook(String name, List<String> events) {
        return Map.of("name", name, "url", URL, "events", events, "sharedSecret", SECRET);
    }

    JsonNode create(ApiClient as, Object body) {
        var response = as.post("/api/webhook", body);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    @Test
    void aWebhookIsCreatedReadListedReplacedAndDeleted() {
        var created = create(
                client,
                Map.of(
                        "name",
                        "hooks",
                        "url",
                        URL,
                        "events",
                        List.of("task.completed"),
                        "sharedSecret",
                        SECRET,
                        "streamId",
                        "stream-1"));
        String id = created.path("id").asText();

        assertThat(created.path("name").asText()).isEqualTo("hooks");
        assertThat(created.path("url").asText()).isEqualTo(URL);
        assertThat(created.path("events")).extracting(JsonNode::asText).containsExactly("task.completed");
        assertThat(created.path("projectId").asText()).isEqualTo(owner.projectId());
        assertThat(created.path("userId").asText()).isEqualTo(owner.userId());
        assertThat(created.path("kind").asText()).isEqualTo("webhook");
        assertThat(created.path("streamId").asText()).isEqualTo("stream-1");
        assertThat(created.path("createdAt").asLong()).isPositive();
        assertThat(created.has("status")).isFalse();
        assertThat(client.get("/api/webhook/" + id).json()).isEqualTo(created);
        assertThat(client.get("/api/webhook").json()).containsExactly(created);

        var replaced = client.put(
                "/api/webhook/" + id,
                Map.of("name", "renamed", "url", URL + "/v2", "events", List.of("task.failed", "asset.ready")));

        assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
        assertThat(replaced.json().path("id").asText()).isEqualTo(id);
        assertThat(replaced.json().path("name").asText()).isEqualTo("renamed");
        assertThat(replaced.json().path("url").asText()).isEqualTo(URL + "/v2");
        assertThat(replaced.json().path("events"))
                .extracting(JsonNode::asText)
                .containsExactly("task.failed", "asset.ready");
        assertThat(replaced.json().path("createdAt")).isEqualTo(created.path("createdAt"));
        assertThat(replaced.json().has("streamId")).isFalse();
        assertThat(client.get("/api/webhook/" + id).json()).isEqualTo(replaced.json());

        var deleted = client.delete("/api/webhook/" + id);

        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json()).isEqualTo(replaced.json());
        assertThat(client.get("/api/webhook/" + id).status()).isEqualTo(404);
        assertThat(client.get("/api/webhook").json()).isEmpty();
        assertThat(client.delete("/api/webhook/" + id).status()).isEqualTo(404);
    }

    @Test
    void aWebhookReadBackCanBeSentAgainAsItIs() {
        var created = create(client, webhook("as read", List.of("task.spawned")));

        var again = client.put("/api/webhook/" + created.path("id").asText(), created);

        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json()).isEqualTo(created);
    }

    @Test
    void invalidInputIsRefusedWith422NamingTheField() {
        record Case(Object body, String field) {}
        var cases = List.of(
                new Case(Map.of("url", URL, "events", List.of("task.spawned")), "name: "),
                new Case(Map.of("name", "n", "events", List.of("task.spawned")), "url: "),
                new Case(Map.of("name", "n", "url", "not a url", "events", List.of()), "url: "),
                new Case(Map.of("name", "n", "url", "ftp://files.example.com/x", "events", List.of()), "url: "),
                new Case(Map.of("name", "n", "url", "http://127.0.0.1:9/hook", "events", List.of()), "url: "),
                new Case(Map.of("name", "n", "url", "http://169.254.169.254/latest", "events", List.of()), "url: "),
                new Case(Map.of("name", "n", "url", URL), "events: "),
                new Case(
                        Map.of("name", "n", "url", URL, "events", List.of("task.spawned", "task.exploded")),
                        "events[1]: "),
                new Case(Map.of("name", "n", "url", URL, "events", "task.spawned"), "events: "),
                new Case(Map.of("name", "n", "url", URL, "events", List.of(), "colour", "blue"), "colour: "));

        for (var c : cases) {
            var response = client.post("/api/webhook", c.body());
            assertThat(response.status())
                    .as(c.body() + " -> " + response.body())
                    .isEqualTo(422);
            assertThat(response.json().path("errors").get(0).asText())
                    .as(c.body().toString())
                    .startsWith(c.field());
        }
        var existing = create(client, webhook("valid", List.of("task.spawned")));
        var update = client.put(
                "/api/webhook/" + existing.path("id").asText(),
                Map.of("name", "n", "url", URL, "events", List.of("asset.exploded")));
        assertThat(update.status()).isEqualTo(422);
        assertThat(update.json().path("errors").get(0).asText()).startsWith("events[0]: ");
        assertThat(client.get("/api/webhook").json()).hasSize(1);
    }

    @Test
    void theSharedSecretIsNeverReturned() {
        var bodies = new ArrayList<String>();
        var created = client.post("/api/webhook", webhook("secret", List.of("task.spawned")));
        String id = created.json().path("id").asText();
        bodies.add(created.body());
        bodies.add(client.get("/api/webhook/" + id).body());
        bodies.add(client.get("/api/webhook").body());
        bodies.add(client.put("/api/webhook/" + id, webhook("secret 2", List.of("task.updated")))
                .body());
        bodies.add(client.delete("/api/webhook/" + id).body());

        assertThat(bodies)
                .allSatisfy(body -> assertThat(body).doesNotContain(SECRET).doesNotContain("sharedSecret"));
    }

    @Test
    void anotherTenantGets404OnEveryVerb() {
        var created = create(client, webhook("mine", List.of("task.spawned")));
        String id = created.path("id").asText();
        var otherUser = server.client(server.createUserKey("other-" + UUID.randomUUID() + "@example.com")
                .key());
        String otherProject = server.server().accounts().createProject(owner.userId(), "second");
        var sameUserOtherProject = server.client(server.server()
                .accounts()
                .createApiKey(owner.userId(), otherProject, "second")
                .secret());

        for (var stranger : List.of(otherUser, sameUserOtherProject)) {
            assertThat(stranger.get("/api/webhook/" + id).status()).isEqualTo(404);
            assertThat(stranger.put("/api/webhook/" + id, webhook("theirs", List.of("task.failed")))
                            .status())
                    .isEqualTo(404);
            assertThat(stranger.delete("/api/webhook/" + id).status()).isEqualTo(404);
            assertThat(stranger.get("/api/webhook/" + id + "/log").status()).isEqualTo(404);
            assertThat(stranger.get("/api/webhook").json()).isEmpty();
        }
        assertThat(client.get("/api/webhook/" + id).json()).isEqualTo(created);
    }

    @Test
    void webhooksArePagedLikeTasks() {
        for (int i = 0; i < 3; i++) {
            create(client, webhook("hook " + i, List.of("task.spawned")));
        }

        var first = client.get("/api/webhook?limit=2&count=1");

        assertThat(first.json()).extracting(w -> w.path("name").asText()).containsExactly("hook 0", "hook 1");
        assertThat(first.header("X-Total-Count")).contains("3");
        String link = first.header("Link").orElseThrow();
        assertThat(link).contains("cursor=skip2").endsWith("rel=\"next\"");
        var second = client.get(link.substring(1, link.indexOf('>')));
        assertThat(second.json()).extracting(w -> w.path("name").asText()).containsExactly("hook 2");
        assertThat(second.header("Link")).isEmpty();
        var filtered = client.get("/api/webhook?filters=" + encode("[{\"id\":\"name\",\"value\":\"hook 1\"}]"));
        assertThat(filtered.json()).extracting(w -> w.path("name").asText()).containsExactly("hook 1");
        var byNameDescending = client.get("/api/webhook?order=name-true");
        assertThat(byNameDescending.json())
                .extracting(w -> w.path("name").asText())
                .containsExactly("hook 2", "hook 1", "hook 0");
        var unknownField = client.get("/api/webhook?filters=" + encode("[{\"id\":\"colour\",\"value\":1}]"));
        assertThat(unknownField.status()).isEqualTo(400);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
