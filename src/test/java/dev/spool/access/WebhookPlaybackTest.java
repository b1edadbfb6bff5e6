package dev.spool.access;

import static dev.spool.access.ProtectedPlaybackTest.fetch;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.spool.media.SampleMedia;
import dev.spool.testing.ApiClient;
import dev.spool.testing.BothStores;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * A {@code webhook} asset over real HTTP, on both stores: the owner's webhook, asked with the viewer's access key
 * and the policy's context, lets in or keeps out, and no answer keeps out. Also {@code allowedOrigins}.
 */
@BothStores
class WebhookPlaybackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "PLAYBACK-WEBHOOK-SECRET";
    private static final Map<Store, String> MASTERS = new EnumMap<>(Store.class);
    private static final Map<Store, ApiClient> OWNERS = new EnumMap<>(Store.class);
    private static final Map<Store, String> ASSETS = new EnumMap<>(Store.class);
    private static final ConcurrentLinkedQueue<JsonNode> asked = new ConcurrentLinkedQueue<>();
    private static HttpServer receiver;

    @RegisterExtension
    static final SharedServers servers = new SharedServers(Map.of(
            "SPOOL_WORKERS",
            "1",
            "SPOOL_X264_PRESET",
            "ultrafast",
            "SPOOL_WEBHOOK_ALLOW_PRIVATE",
            "true",
            "SPOOL_WEBHOOK_TIMEOUT",
            "1s"));

    @Parameter
    Store store;

    TestServer server;
    ApiClient owner;
    String master;
    String assetId;

    /** Lets in the access key "let-me-in", answers "slow" after the server stopped waiting, refuses the rest. */
    @BeforeAll
    static void startReceiver(@TempDir Path dir) throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", WebhookPlaybackTest::answer);
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.start();
        ProtectedPlaybackTest.video = SampleMedia.mp4(dir, "webhook.mp4", 2, "320x240");
    }

    @AfterAll
    static void stopReceiver() {
        receiver.stop(0);
    }

    private static void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            var body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            ((com.fasterxml.jackson.databind.node.ObjectNode) body)
                    .put("signed", exchange.getRequestHeaders().getFirst("Livepeer-Signature") != null);
            asked.add(body);
            String key = body.path("accessKey").asText();
            if (key.equals("slow")) {
                Thread.sleep(5_000);
            }
            exchange.sendResponseHeaders(key.equals("let-me-in") ? 200 : 403, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @BeforeEach
    void prepare() throws Exception {
        server = servers.on(store);
        synchronized (MASTERS) {
            if (!MASTERS.containsKey(store)) {
                var client = server.client(server.createUserKey("hooked-" + UUID.randomUUID() + "@example.com")
                        .key());
                var asset = ProtectedPlaybackTest.readyAsset(client, Map.of("type", "public"));
                OWNERS.put(store, client);
                MASTERS.put(store, asset.path("playbackUrl").asText());
                ASSETS.put(store, asset.path("id").asText());
            }
        }
        owner = OWNERS.get(store);
        master = MASTERS.get(store);
        assetId = ASSETS.get(store);
    }

    private String webhook(String url) {
        var created = owner.post(
                "/api/webhook",
                Map.of(
                        "name",
                        "gate",
                        "url",
                        url,
                        "events",
                        List.of("playback.accessControl"),
                        "sharedSecret",
                        SECRET));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        return created.json().path("id").asText();
    }

    private void policy(Map<String, Object> policy) {
        var patched = owner.patch("/api/asset/" + assetId, Map.of("playbackPolicy", policy));
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    }

    private String receiverUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/playback";
    }

    @Test
    void givenAWebhookAsset_thenTheWebhookDecidesWithTheAccessKeyAndTheContext() throws Exception {
        String context = "ctx-" + UUID.randomUUID();
        policy(Map.of(
                "type", "webhook", "webhookId", webhook(receiverUrl()), "webhookContext", Map.of("viewer", context)));

        var allowed = fetch(master + "?accessKey=let-me-in", Map.of());
        var byHeader = fetch(master, Map.of(PlaybackGate.ACCESS_KEY_HEADER, "let-me-in"));
        var refused = fetch(master + "?accessKey=stranger", Map.of());
        var none = fetch(master, Map.of());

        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
        assertThat(allowed.body()
                        .lines()
                        .filter(l -> !l.isBlank() && !l.startsWith("#"))
                        .toList())
                .isNotEmpty()
                .allSatisfy(uri -> assertThat(uri).endsWith("?accessKey=let-me-in"));
        assertThat(byHeader.statusCode()).isEqualTo(200);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("webhook refused the access key");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).contains("needs an access key");
        var questions = asked.stream()
                .filter(q -> q.path("context").path("viewer").asText().equals(context))
                .toList();
        assertThat(questions).extracting(q -> q.path("accessKey").asText()).contains("let-me-in", "stranger");
        assertThat(questions).allSatisfy(q -> {
            assertThat(q.path("timestamp").asLong()).isPositive();
            assertThat(q.path("signed").asBoolean()).isTrue();
        });
    }

    @Test
    void givenAWebhookThatIsDownOrTooSlow_thenPlaybackIsRefused() throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        policy(Map.of("type", "webhook", "webhookId", webhook("http://127.0.0.1:" + closedPort + "/down")));
        var down = fetch(master + "?accessKey=let-me-in", Map.of());

        policy(Map.of("type", "webhook", "webhookId", webhook(receiverUrl())));
        long started = System.nanoTime();
        var slow = fetch(master + "?accessKey=slow", Map.of());
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(down.statusCode()).isEqualTo(403);
        assertThat(down.body()).contains("gave no answer");
        assertThat(slow.statusCode()).isEqualTo(403);
        assertThat(slow.body()).contains("gave no answer");
        assertThat(tookMillis).isLessThan(4_000);
    }

    @Test
    void givenAWebhookThatIsNotTheOwners_thenThePolicyIsRefusedWith400() {
        var stranger = server.client(server.createUserKey("other-" + UUID.randomUUID() + "@example.com")
                .key());
        String theirs = stranger.post(
                        "/api/webhook",
                        Map.of("name", "theirs", "url", receiverUrl(), "events", List.of("asset.ready")))
                .json()
                .path("id")
                .asText();

        var created = owner.post(
                "/api/asset/request-upload",
                Map.of("name", "x", "playbackPolicy", Map.of("type", "webhook", "webhookId", theirs)));
        var patched = owner.patch(
                "/api/asset/" + assetId,
                Map.of("playbackPolicy", Map.of("type", "webhook", "webhookId", "no-such-webhook")));
        var missing = owner.post(
                "/api/asset/request-upload", Map.of("name", "x", "playbackPolicy", Map.of("type", "webhook")));

        assertThat(created.status()).isEqualTo(400);
        assertThat(created.body()).contains("webhook " + theirs + " not found");
        assertThat(patched.status()).isEqualTo(400);
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.body()).contains("playbackPolicy.webhookId");
    }

    @Test
    void givenAllowedOrigins_thenOnlyThoseOriginsMayPlay() throws Exception {
        policy(Map.of("type", "public", "allowedOrigins", List.of("https://player.example.com")));

        var allowed = fetch(master, Map.of("Origin", "https://player.example.com"));
        var other = fetch(master, Map.of("Origin", "https://elsewhere.example.com"));

        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).contains("https://player.example.com");
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.body()).contains("origin https://elsewhere.example.com may not play");
    }
}
