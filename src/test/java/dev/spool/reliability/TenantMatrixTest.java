package dev.spool.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import dev.spool.testing.BothStores;
import dev.spool.testing.OpenApiContract;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/**
 * Two users on one server, on both stores: every keyed route of the document that names an object, called by one
 * user with the other's ids, answers 404 (never 403, which would confirm the id exists) and changes nothing; every
 * list, with or without filters on those ids and {@code allUsers}, shows none of the other's objects. The routes
 * come from openapi.yaml, so a route added there is in the matrix at once.
 */
@BothStores
class TenantMatrixTest {
    /** Bodies that pass validation, so that only ownership decides the answer of routes that take one. */
    private static final Map<String, String> VALID_BODIES = Map.of(
            "PATCH /api/asset/{assetId}",
            "{\"name\":\"renamed\"}",
            "POST /api/asset/{assetId}/export",
            "{\"custom\":{\"url\":\"https://example.com/put\"}}",
            "PATCH /api/access-control/signing-key/{keyId}",
            "{\"name\":\"renamed\"}",
            "PUT /api/webhook/{id}",
            "{\"name\":\"renamed\",\"url\":\"https://hooks.example.com/other\",\"events\":[\"task.failed\"]}");

    @RegisterExtension
    static final SharedServers servers =
            new SharedServers(Map.of("SPOOL_WEBHOOK_ALLOW_PRIVATE", "true", "SPOOL_WEBHOOK_RETRY_BASE", "200ms"));

    @Parameter
    Store store;

    TestServer server;
    HttpServer hookReceiver;

    /** The ids of everything one user owns, by the name of the path parameter that takes them. */
    private record Owned(Map<String, String> ids) {}

    @BeforeEach
    void startReceiver() throws IOException {
        server = servers.on(store);
        hookReceiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hookReceiver.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        hookReceiver.start();
    }

    @AfterEach
    void stopReceiver() {
        hookReceiver.stop(0);
    }

    @Test
    void anotherUsersIdsAreNotFoundOnEveryKeyedRouteAndChangeNothing() {
        var victim = server.createUserKey("victim-" + UUID.randomUUID() + "@example.com");
        var intruder = server.client(server.createUserKey("intruder-" + UUID.randomUUID() + "@example.com")
                .key());
        Owned owned = createEverything(victim);

        var tried = new ArrayList<String>();
        var document = OpenApiContract.instance().document();
        for (var path : document.path("paths").properties()) {
            if (!path.getKey().contains("{")) {
                continue;
            }
            for (var operation : path.getValue().properties()) {
                String method = operation.getKey().toUpperCase(Locale.ROOT);
                if (operation.getKey().equals("parameters") || !keyed(document, operation.getValue())) {
                    continue;
                }
                String name = method + " " + path.getKey();
                String target = fill(path.getKey(), owned);
                String body = operation.getValue().has("requestBody") ? VALID_BODIES.get(name) : null;
                assertThat(operation.getValue().has("requestBody") && body == null)
                        .as("%s takes a body: give it a valid one in VALID_BODIES", name)
                        .isFalse();

                var answer = intruder.send(method, target, body == null ? null : "application/json", body);

                assertThat(answer.status())
                        .as("%s with another user's ids: %s", name, answer.body())
                        .isEqualTo(404);
                tried.add(name);
            }
        }
        assertThat(tried).as("keyed routes with ids").hasSizeGreaterThanOrEqualTo(12);
        assertVictimStillOwnsEverything(victim, owned);
    }

    @Test
    void listsNeverShowAnotherUsersObjects() {
        var victim = server.createUserKey("victim-" + UUID.randomUUID() + "@example.com");
        var intruder = server.client(server.createUserKey("intruder-" + UUID.randomUUID() + "@example.com")
                .key());
        Owned owned = createEverything(victim);
        var document = OpenApiContract.instance().document();

        var lists = new ArrayList<String>();
        for (var path : document.path("paths").properties()) {
            JsonNode get = path.getValue().path("get");
            boolean list = "array"
                    .equals(get.path("responses")
                            .path("200")
                            .path("content")
                            .path("application/json")
                            .path("schema")
                            .path("type")
                            .asText());
            if (path.getKey().contains("{") || !list || !keyed(document, get)) {
                continue;
            }
            lists.add(path.getKey());
            for (String query : listQueries(owned)) {
                var answer = intruder.get(path.getKey() + query);

                // An admin-only list (it documents a 403) refuses the intruder outright.
                assertThat(answer.status())
                        .as("%s%s: %s", path.getKey(), query, answer.body())
                        .isIn(get.path("responses").has("403") ? List.of(403) : List.of(200, 400));
                assertThat(answer.body())
                        .as("%s%s", path.getKey(), query)
                        .doesNotContain(owned.ids().values().toArray(String[]::new));
            }
        }
        assertThat(lists).contains("/api/task", "/api/asset", "/api/webhook");
    }

    private static boolean keyed(JsonNode document, JsonNode operation) {
        JsonNode security = operation.has("security") ? operation.path("security") : document.path("security");
        return !security.isEmpty();
    }

    private static List<String> listQueries(Owned owned) {
        var queries = new ArrayList<>(List.of("", "?allUsers=1", "?allUsers=true&limit=1000"));
        for (String field : List.of("id", "userId", "inputAssetId", "outputAssetId", "playbackId")) {
            for (String id : owned.ids().values()) {
                queries.add("?filters="
                        + URLEncoder.encode(
                                "[{\"id\":\"" + field + "\",\"value\":\"" + id + "\"}]", StandardCharsets.UTF_8));
            }
        }
        return queries;
    }

    private static String fill(String template, Owned owned) {
        String target = template;
        for (var id : owned.ids().entrySet()) {
            target = target.replace("{" + id.getKey() + "}", id.getValue());
        }
        assertThat(target).as("every id of %s is known", template).doesNotContain("{");
        return target;
    }

    /** An asset with its task, a webhook with a delivered event in its log, and an admin-made task. */
    private Owned createEverything(TestServer.UserKey victim) {
        ApiClient client = server.client(victim.key());
        var hook = client.post(
                "/api/webhook",
                Map.of(
                        "name",
                        "victim's",
                        "url",
                        "http://127.0.0.1:" + hookReceiver.getAddress().getPort() + "/hook",
                        "events",
                        List.of("task.spawned")));
        assertThat(hook.status()).as(hook.body()).isEqualTo(200);
        String webhookId = hook.json().path("id").asText();
        var upload = client.post("/api/asset/request-upload", Map.of("name", "victim's"));
        assertThat(upload.status()).as(upload.body()).isEqualTo(200);
        var task = server.admin()
                .post(
                        "/api/task",
                        Map.of(
                                "type",
                                "export-data",
                                "userId",
                                victim.userId(),
                                "params",
                                Map.of("exportData", Map.of("content", Map.of("a", 1)))));
        assertThat(task.status()).as(task.body()).isEqualTo(201);
        var signingKey = client.post("/api/access-control/signing-key", Map.of("name", "victim's"));
        assertThat(signingKey.status()).as(signingKey.body()).isEqualTo(200);
        var apiToken = client.post("/api/api-token", Map.of("name", "victim's"));
        assertThat(apiToken.status()).as(apiToken.body()).isEqualTo(201);
        var log = Await.until(
                () -> client.get("/api/webhook/" + webhookId + "/log").json(),
                entries -> !entries.isEmpty(),
                Duration.ofSeconds(20),
                "a delivery in the victim's webhook log");
        return new Owned(Map.of(
                "taskId", task.json().path("id").asText(),
                "assetId", upload.json().path("asset").path("id").asText(),
                "id", webhookId,
                "logId", log.get(0).path("id").asText(),
                "uploadTaskId", upload.json().path("task").path("id").asText(),
                "keyId", signingKey.json().path("id").asText(),
                "tokenId", apiToken.json().path("id").asText()));
    }

    private void assertVictimStillOwnsEverything(TestServer.UserKey victim, Owned owned) {
        ApiClient client = server.client(victim.key());
        assertThat(client.get("/api/asset/" + owned.ids().get("assetId"))
                        .json()
                        .path("name")
                        .asText())
                .isEqualTo("victim's");
        assertThat(client.get("/api/access-control/signing-key/" + owned.ids().get("keyId"))
                        .json()
                        .path("name")
                        .asText())
                .isEqualTo("victim's");
        assertThat(client.get("/api/api-token").json().findValuesAsText("id"))
                .contains(owned.ids().get("tokenId"));
        var webhook = client.get("/api/webhook/" + owned.ids().get("id")).json();
        assertThat(webhook.path("name").asText()).isEqualTo("victim's");
        for (String task : List.of(owned.ids().get("taskId"), owned.ids().get("uploadTaskId"))) {
            var read = client.get("/api/task/" + task);
            assertThat(read.status()).isEqualTo(200);
            assertThat(read.json().path("status").path("phase").asText()).isNotIn("cancelled");
        }
    }
}
