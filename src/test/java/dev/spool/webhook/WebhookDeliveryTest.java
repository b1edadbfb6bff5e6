package dev.spool.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.json.Json;
import dev.spool.task.engine.ScriptedHandler;
import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import dev.spool.testing.BothStores;
import dev.spool.testing.FileServer;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import dev.spool.testing.TestVideos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * Deliveries to a real receiver on 127.0.0.1, on SQLite and PostgreSQL: events of tasks and assets in order, signed;
 * retries with back-off, final 4xx, logs, resend, and a restart while a delivery waits for its next attempt.
 */
@BothStores
class WebhookDeliveryTest {
    private static final String SECRET = "DELIVERY-SHARED-SECRET-0002";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Map<String, String> FAST_RETRIES = Map.of(
            "SPOOL_WEBHOOK_ALLOW_PRIVATE", "true",
            "SPOOL_IMPORT_ALLOW_PRIVATE", "true",
            "SPOOL_WEBHOOK_RETRY_BASE", "200ms",
            "SPOOL_WEBHOOK_RETRY_CAP", "1s");

    @RegisterExtension
    static final SharedServers servers =
            new SharedServers(withWorkers(FAST_RETRIES), List.of(new ScriptedHandler(tempLog(), "webhooks")));

    @Parameter
    Store store;

    TestServer server;
    TestServer.UserKey owner;
    ApiClient client;
    Receiver receiver;

    @BeforeEach
    void connect() {
        server = servers.on(store);
        owner = server.createUserKey("hooks-" + UUID.randomUUID() + "@example.com");
        client = server.client(owner.key());
        receiver = Receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        // null when the start itself failed or was skipped: that failure is the one to report.
        if (receiver != null) {
            receiver.close();
        }
    }

    private static Map<String, String> withWorkers(Map<String, String> settings) {
        var all = new HashMap<>(settings);
        all.put("SPOOL_WORKERS", "2");
        return all;
    }

    private static Path tempLog() {
        try {
            return Files.createTempFile("spool-webhooks-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String subscribe(ApiClient as, Receiver receiver, String... events) {
        var response = as.post(
                "/api/webhook",
                Map.of(
                        "name",
                        "receiver",
                        "url",
                        receiver.url("/hook"),
                        "events",
                        List.of(events),
                        "sharedSecret",
                        SECRET));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().path("id").asText();
    }

    /** A scripted task of the owner, created by the admin in the owner's project. */
    static String createTask(TestServer server, TestServer.UserKey owner, String script) {
        var response = server.admin()
                .post(
                        "/api/task",
                        Map.of(
                                "type",
                                "export-data",
                                "userId",
                                owner.userId(),
                                "params",
                                Map.of("exportData", Map.of("content", Json.tree(script)))));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().path("id").asText();
    }

    static List<Receiver.Received> about(List<Receiver.Received> received, String resourceId) {
        return received.stream()
                .filter(r -> r.json()
                                .path("payload")
                                .path("task")
                                .path("id")
                                .asText()
                                .equals(resourceId)
                        || r.json()
                                .path("payload")
                                .path("asset")
                                .path("id")
                                .asText()
                                .equals(resourceId))
                .toList();
    }

    @Test
    void aCompletedTaskIsReportedSpawnedUpdatedCompletedInOrderAndSigned() {
        String webhookId = subscribe(client, receiver, "task.spawned", "task.updated", "task.completed", "task.failed");

        String taskId = createTask(server, owner, "{}");
        var received = about(
                receiver.await(
                        r -> about(r, taskId).stream().anyMatch(e -> e.event().equals("task.completed")),
                        WAIT,
                        "task.completed"),
                taskId);

        var events = received.stream().map(Receiver.Received::event).toList();
        assertThat(events.getFirst()).isEqualTo("task.spawned");
        assertThat(events.getLast()).isEqualTo("task.completed");
        assertThat(events.subList(1, events.size() - 1)).isNotEmpty().containsOnly("task.updated");
        assertThat(received)
                .extracting(r -> r.json().path("createdAt").asLong())
                .isSorted();
        assertThat(received).extracting(r -> r.json().path("id").asText()).doesNotHaveDuplicates();
        assertThat(received).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.headers().get("content-type")).isEqualTo("application/json");
            assertThat(r.headers().get("user-agent")).isEqualTo("Spool");
            assertThat(r.signedWith(SECRET)).as(r.headers().toString()).isTrue();
            assertThat(r.signedWith("another secret")).isFalse();
            assertThat(r.json().path("webhookId").asText()).isEqualTo(webhookId);
            assertThat(r.json().path("timestamp").asLong())
                    .isGreaterThanOrEqualTo(r.json().path("createdAt").asLong());
            assertThat(r.json().path("payload").path("task").path("type").asText())
                    .isEqualTo("export-data");
        });
        var completed = received.getLast().json().path("payload");
        assertThat(completed.path("success").asBoolean()).isTrue();
        assertThat(completed
                        .path("task")
                        .path("snapshot")
                        .path("status")
                        .path("phase")
                        .asText())
                .isEqualTo("completed");
        assertThat(completed.path("task").path("snapshot").path("id").asText()).isEqualTo(taskId);
        assertThat(received.getFirst().json().path("payload").has("success")).isFalse();
        var webhook = client.get("/api/webhook/" + webhookId).json();
        assertThat(webhook.path("status").path("lastTriggeredAt").asLong()).isPositive();
        assertThat(webhook.path("status").has("lastFailure")).isFalse();
    }

    @Test
    void aFailedTaskIsReportedAsTaskFailedWithoutSuccess() {
        subscribe(client, receiver, "task.failed");

        String taskId = createTask(server, owner, "{\"fail\": \"unretriable\"}");
        var failed = receiver.await(r -> !about(r, taskId).isEmpty(), WAIT, "task.failed")
                .getFirst();

        assertThat(failed.event()).isEqualTo("task.failed");
        assertThat(failed.json().path("payload").path("success").asBoolean(true))
                .isFalse();
        assertThat(failed.json()
                        .path("payload")
                        .path("task")
                        .path("snapshot")
                        .path("status")
                        .path("errorMessage")
                        .asText())
                .isEqualTo("scripted unretriable failure");
    }

    @Test
    void a500IsRetriedWithTheSameEventIdUntilItIsDeliveredAndEveryAttemptIsLogged() {
        receiver.answering(500, 500, 500);
        String webhookId = subscribe(client, receiver, "task.spawned");

        String taskId = createTask(server, owner, "{}");
        var attempts = receiver.await(r -> r.size() >= 4, WAIT, "four attempts");
        var logs = awaitLogs(client, webhookId, 4);

        assertThat(attempts).hasSize(4);
        assertThat(attempts)
                .extracting(r -> r.json().path("id").asText())
                .containsOnly(attempts.getFirst().json().path("id").asText());
        assertThat(attempts)
                .extracting(r -> r.json().path("timestamp").asLong())
                .doesNotHaveDuplicates()
                .isSorted();
        assertThat(attempts).allSatisfy(r -> assertThat(r.signedWith(SECRET)).isTrue());
        assertThat(attempts.getFirst()
                        .json()
                        .path("payload")
                        .path("task")
                        .path("id")
                        .asText())
                .isEqualTo(taskId);
        // Back-off: 200 ms, then 400 ms, then 800 ms.
        assertThat(attempts.get(3).at() - attempts.get(0).at()).isGreaterThanOrEqualTo(1400 - 50);
        assertThat(logs).hasSize(4);
        assertThat(logs).extracting(l -> l.path("success").asBoolean()).containsExactly(true, false, false, false);
        assertThat(logs)
                .extracting(l -> l.path("response").path("status").asInt())
                .containsExactly(200, 500, 500, 500);
        assertThat(logs)
                .extracting(l -> l.path("createdAt").asLong())
                .isSortedAccordingTo((a, b) -> Long.compare(b, a));
        var failure = logs.get(3);
        assertThat(failure.path("event").asText()).isEqualTo("task.spawned");
        assertThat(failure.path("webhookId").asText()).isEqualTo(webhookId);
        assertThat(failure.path("request").path("url").asText()).isEqualTo(receiver.url("/hook"));
        assertThat(failure.path("request").path("method").asText()).isEqualTo("POST");
        assertThat(failure.path("request").path("body").asText())
                .isEqualTo(attempts.getFirst().text());
        assertThat(failure.path("request")
                        .path("headers")
                        .path("Livepeer-Signature")
                        .asText())
                .isEqualTo(attempts.getFirst().headers().get("livepeer-signature"));
        assertThat(decode(failure.path("response").path("body").asText())).isEqualTo("answered 500");
        assertThat(failure.path("response").path("statusText").asText()).isNotBlank();
        assertThat(failure.path("duration").asDouble()).isPositive();
        var one = client.get(
                "/api/webhook/" + webhookId + "/log/" + failure.path("id").asText());
        assertThat(one.json()).isEqualTo(failure);
        assertThat(logs.toString() + one.body()).doesNotContain(SECRET);
        var status = client.get("/api/webhook/" + webhookId).json().path("status");
        assertThat(status.path("lastFailure").path("statusCode").asInt()).isEqualTo(500);
        assertThat(decode(status.path("lastFailure").path("response").asText())).isEqualTo("answered 500");
        assertThat(status.path("lastTriggeredAt").asLong())
                .isEqualTo(logs.get(0).path("createdAt").asLong());
    }

    @Test
    void aConnectionClosedWithoutAnAnswerIsRetriedWithTheSameEvent() {
        receiver.hangingUp();
        String webhookId = subscribe(client, receiver, "task.spawned");

        createTask(server, owner, "{}");
        var attempts = receiver.await(r -> r.size() >= 2, WAIT, "the retry after the network error");

        assertThat(attempts.get(1).json().path("id"))
                .isEqualTo(attempts.get(0).json().path("id"));
        assertThat(awaitLogs(client, webhookId, 2))
                .extracting(l -> l.path("success").asBoolean())
                .containsExactly(true, false);
        awaitNothingPending(server, webhookId);
        assertThat(receiver.received()).hasSize(2);
    }

    @Test
    void aReceiverSlowerThanTheWebhookTimeoutIsGivenUpOnAndRetried() {
        var settings = new HashMap<>(FAST_RETRIES);
        settings.put("SPOOL_WEBHOOK_TIMEOUT", "1s");
        try (var own = TestServer.start(store, settings)) {
            var ownOwner = own.createUserKey("timeout@example.com");
            var ownClient = own.client(ownOwner.key());
            receiver.answeringAfter(Duration.ofSeconds(8));
            String webhookId = subscribe(ownClient, receiver, "task.spawned");

            createTask(own, ownOwner, "{}");
            var attempts = receiver.await(r -> r.size() >= 2, WAIT, "the retry after the timeout");

            // The first attempt was abandoned at the timeout, long before its answer was due.
            assertThat(attempts.get(1).at() - attempts.get(0).at()).isLessThan(6000);
            assertThat(attempts.get(1).json().path("id"))
                    .isEqualTo(attempts.get(0).json().path("id"));
            assertThat(awaitLogs(ownClient, webhookId, 2))
                    .extracting(l -> l.path("success").asBoolean())
                    .containsExactly(true, false);
        }
    }

    @Test
    void a429IsRetriedNoSoonerThanItsRetryAfter() {
        receiver.answering(429);
        String webhookId = subscribe(client, receiver, "task.spawned");

        createTask(server, owner, "{}");
        var attempts = receiver.await(r -> r.size() >= 2, WAIT, "the retry");

        // The back-off alone would retry after 200 ms.
        assertThat(attempts.get(1).at() - attempts.get(0).at())
                .isGreaterThanOrEqualTo(Receiver.RETRY_AFTER_SECONDS * 1000L - 50);
        assertThat(awaitLogs(client, webhookId, 2))
                .extracting(l -> l.path("response").path("status").asInt())
                .containsExactly(200, 429);
    }

    @Test
    void a400IsFinalAndShownAsTheLastFailure() {
        receiver.answering(400);
        String webhookId = subscribe(client, receiver, "task.spawned");

        createTask(server, owner, "{}");
        receiver.await(r -> !r.isEmpty(), WAIT, "the first attempt");
        awaitLogs(client, webhookId, 1);
        // A retried 400 would stay pending (200 ms back-off) and keep failing: the wait would run out.
        awaitNothingPending(server, webhookId);

        assertThat(receiver.received()).hasSize(1);
        var failure =
                client.get("/api/webhook/" + webhookId).json().path("status").path("lastFailure");
        assertThat(failure.path("statusCode").asInt()).isEqualTo(400);
        assertThat(failure.path("error").asText()).contains("400");
        assertThat(failure.path("timestamp").asLong()).isPositive();
        var logs = client.get("/api/webhook/" + webhookId + "/log").json();
        assertThat(logs).hasSize(1);
        assertThat(logs.get(0).path("success").asBoolean()).isFalse();
    }

    @Test
    void givenLogsOfTwoTasksEvents_whenFilteredByPartOfOneTaskIdInAnotherCase_thenOnlyItsLogIsListed() {
        String webhookId = subscribe(client, receiver, "task.spawned");
        String first = createTask(server, owner, "{}");
        String second = createTask(server, owner, "{}");
        awaitLogs(client, webhookId, 2);

        // The middle of the id: a search inside the logged body, not a match of the whole value.
        String part = first.substring(4, 20).toUpperCase(Locale.ROOT);
        var logs = client.get("/api/webhook/" + webhookId + "/log?filters="
                + URLEncoder.encode(
                        Json.write(List.of(Map.of("id", "resourceId", "value", part))), StandardCharsets.UTF_8));

        assertThat(logs.status()).as(logs.body()).isEqualTo(200);
        assertThat(logs.json()).hasSize(1);
        String body = logs.json().get(0).path("request").path("body").asText();
        assertThat(body).contains(first).doesNotContain(second);
    }

    @Test
    void aLoggedRequestIsResentOnceWithAFreshSignature() {
        String webhookId = subscribe(client, receiver, "task.spawned");
        createTask(server, owner, "{}");
        var original = receiver.await(r -> !r.isEmpty(), WAIT, "the delivery").getFirst();
        String logId = awaitLogs(client, webhookId, 1).get(0).path("id").asText();

        var resent = client.post("/api/webhook/" + webhookId + "/log/" + logId + "/resend");

        assertThat(resent.status()).as(resent.body()).isEqualTo(200);
        assertThat(resent.json().path("id").asText()).isNotEqualTo(logId);
        assertThat(resent.json().path("success").asBoolean()).isTrue();
        var again = receiver.await(r -> r.size() >= 2, WAIT, "the resend").get(1);
        assertThat(again.json().path("id")).isEqualTo(original.json().path("id"));
        assertThat(again.json().path("payload")).isEqualTo(original.json().path("payload"));
        assertThat(again.json().path("timestamp").asLong())
                .isGreaterThan(original.json().path("timestamp").asLong());
        assertThat(again.signedWith(SECRET)).isTrue();
        assertThat(resent.json().path("request").path("body").asText()).isEqualTo(again.text());
        assertThat(client.get("/api/webhook/" + webhookId + "/log").json()).hasSize(2);
        awaitNothingPending(server, webhookId);
        assertThat(receiver.received()).hasSize(2);
    }

    @Test
    void anotherTenantCannotReadOrResendTheLogs() {
        String webhookId = subscribe(client, receiver, "task.spawned");
        createTask(server, owner, "{}");
        receiver.await(r -> !r.isEmpty(), WAIT, "the delivery");
        String logId = awaitLogs(client, webhookId, 1).get(0).path("id").asText();
        var otherUser = server.client(server.createUserKey("other-" + UUID.randomUUID() + "@example.com")
                .key());
        String otherProject = server.server().accounts().createProject(owner.userId(), "second");
        var otherProjectKey = server.client(server.server()
                .accounts()
                .createApiKey(owner.userId(), otherProject, "second")
                .secret());

        for (var stranger : List.of(otherUser, otherProjectKey)) {
            assertThat(stranger.get("/api/webhook/" + webhookId + "/log").status())
                    .isEqualTo(404);
            assertThat(stranger.get("/api/webhook/" + webhookId + "/log/" + logId)
                            .status())
                    .isEqualTo(404);
            assertThat(stranger.post("/api/webhook/" + webhookId + "/log/" + logId + "/resend")
                            .status())
                    .isEqualTo(404);
            assertThat(stranger.delete("/api/webhook/" + webhookId).status()).isEqualTo(404);
        }
        assertThat(receiver.received()).hasSize(1);
        assertThat(client.get("/api/webhook/" + webhookId).status()).isEqualTo(200);
    }

    @Test
    void eventsGoOnlyToSubscribedLiveWebhooksOfTheSameProject() {
        var other = Receiver.start();
        try (other) {
            String otherProject = server.server().accounts().createProject(owner.userId(), "elsewhere");
            var elsewhere = server.client(server.server()
                    .accounts()
                    .createApiKey(owner.userId(), otherProject, "elsewhere")
                    .secret());
            String otherProjects = subscribe(elsewhere, other, "task.spawned");
            String unsubscribed = subscribe(client, other, "task.completed");
            String deleted = subscribe(client, other, "task.spawned");
            assertThat(client.delete("/api/webhook/" + deleted).status()).isEqualTo(200);
            String subscribed = subscribe(client, receiver, "task.spawned", "task.failed");

            String taskId = createTask(server, owner, "{\"fail\": \"unretriable\"}");
            // task.failed comes last: every delivery the task caused has been written by then.
            receiver.await(r -> about(r, taskId).size() == 2, WAIT, "task.spawned and task.failed");
            awaitNothingPending(server, otherProjects, unsubscribed, deleted, subscribed);

            assertThat(other.received()).isEmpty();
            assertThat(receiver.received())
                    .extracting(Receiver.Received::event)
                    .containsExactly("task.spawned", "task.failed");
        }
    }

    @Test
    void anAssetImportThatFailsIsReportedCreatedThenFailed() throws Exception {
        var source = Receiver.start(404);
        try (source) {
            String webhookId = subscribe(client, receiver, "asset.created", "asset.failed", "asset.ready");

            String assetId = importAsset(source.url("/missing.mp4"));
            var received = receiver.await(
                    r -> r.stream().anyMatch(e -> e.event().equals("asset.failed")), WAIT, "asset.failed");

            assertThat(received).extracting(Receiver.Received::event).containsExactly("asset.created", "asset.failed");
            assertThat(received).allSatisfy(r -> {
                assertThat(r.signedWith(SECRET)).isTrue();
                assertThat(r.json().path("webhookId").asText()).isEqualTo(webhookId);
                assertThat(r.json().path("payload").path("asset").path("id").asText())
                        .isEqualTo(assetId);
                assertThat(r.json()
                                .path("payload")
                                .path("asset")
                                .path("snapshot")
                                .path("id")
                                .asText())
                        .isEqualTo(assetId);
            });
            assertThat(received.getLast()
                            .json()
                            .path("payload")
                            .path("asset")
                            .path("snapshot")
                            .path("status")
                            .path("phase")
                            .asText())
                    .isEqualTo("failed");
            assertThat(received.getLast()
                            .json()
                            .path("payload")
                            .path("asset")
                            .path("snapshot")
                            .has("staticMp4"))
                    .isFalse();
        }
    }

    @Test
    void anAssetIsReportedReadyThenUpdatedThenDeletedInThatOrder(@TempDir Path dir) {
        Path clip = TestVideos.generate(dir.resolve("clip.mp4"), 2);
        try (var source = FileServer.start().file("/clip.mp4", clip)) {
            String webhookId = subscribe(client, receiver, "asset.ready", "asset.updated", "asset.deleted");
            String assetId = importAsset(source.url("/clip.mp4"));
            receiver.await(
                    r -> about(r, assetId).stream().anyMatch(e -> e.event().equals("asset.ready")),
                    Duration.ofMinutes(2),
                    "asset.ready");

            assertThat(client.patch("/api/asset/" + assetId, Map.of("name", "renamed"))
                            .status())
                    .isEqualTo(200);
            assertThat(client.delete("/api/asset/" + assetId).status()).isEqualTo(204);
            var received = about(
                    receiver.await(
                            r -> about(r, assetId).stream()
                                    .anyMatch(e -> e.event().equals("asset.deleted")),
                            WAIT,
                            "asset.deleted"),
                    assetId);

            var events = received.stream().map(Receiver.Received::event).toList();
            assertThat(events).containsOnlyOnce("asset.ready").endsWith("asset.deleted");
            var ready = received.get(events.indexOf("asset.ready"));
            assertThat(snapshot(ready).path("status").path("phase").asText()).isEqualTo("ready");
            var afterReady = received.subList(events.indexOf("asset.ready") + 1, received.size() - 1);
            assertThat(afterReady).singleElement().satisfies(renamed -> {
                assertThat(renamed.event()).isEqualTo("asset.updated");
                assertThat(snapshot(renamed).path("name").asText()).isEqualTo("renamed");
            });
            assertThat(snapshot(received.getLast()).path("id").asText()).isEqualTo(assetId);
            assertThat(received)
                    .allSatisfy(
                            r -> assertThat(r.json().path("webhookId").asText()).isEqualTo(webhookId));
        }
    }

    private static JsonNode snapshot(Receiver.Received received) {
        return received.json().path("payload").path("asset").path("snapshot");
    }

    private String importAsset(String url) {
        var response = client.post("/api/asset/upload/url", Map.of("name", "missing", "url", url));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().path("asset").path("id").asText();
    }

    @Test
    void aDeliveryWaitingForItsNextAttemptIsDeliveredAfterARestart() {
        var settings = new HashMap<>(FAST_RETRIES);
        settings.put("SPOOL_WEBHOOK_RETRY_BASE", "3s");
        settings.put("SPOOL_WEBHOOK_RETRY_CAP", "3s");
        try (var own = TestServer.start(store, settings)) {
            var ownOwner = own.createUserKey("restart@example.com");
            var ownClient = own.client(ownOwner.key());
            receiver.answering(503);
            String webhookId = subscribe(ownClient, receiver, "task.spawned");
            createTask(own, ownOwner, "{}");
            receiver.await(r -> !r.isEmpty(), WAIT, "the first attempt");

            own.restart();
            var attempts = receiver.await(r -> r.size() >= 2, WAIT, "the attempt after the restart");

            assertThat(attempts).hasSize(2);
            assertThat(attempts.get(1).json().path("id"))
                    .isEqualTo(attempts.get(0).json().path("id"));
            assertThat(attempts.get(1).at() - attempts.get(0).at()).isGreaterThanOrEqualTo(3000 - 50);
            var logs = awaitLogs(ownClient, webhookId, 2);
            assertThat(logs).extracting(l -> l.path("success").asBoolean()).containsExactly(true, false);
        }
    }

    /** The webhook's log once it has at least {@code count} entries (a log row commits after the receiver answered). */
    static JsonNode awaitLogs(ApiClient as, String webhookId, int count) {
        return Await.until(
                () -> as.get("/api/webhook/" + webhookId + "/log").json(),
                l -> l.size() >= count,
                WAIT,
                "the log of webhook " + webhookId);
    }

    /**
     * Waits until none of these webhooks has a delivery left to send (none pending in the outbox): what "nothing else
     * is delivered" can be checked against without a fixed sleep.
     */
    static void awaitNothingPending(TestServer on, String... webhookIds) {
        Await.until(
                () -> pendingDeliveries(on, List.of(webhookIds)),
                n -> n == 0,
                WAIT,
                "no pending delivery for " + List.of(webhookIds));
    }

    private static long pendingDeliveries(TestServer on, List<String> webhookIds) {
        String sql = "SELECT count(*) FROM webhook_deliveries WHERE state = 'pending' AND webhook_id IN ("
                + String.join(",", java.util.Collections.nCopies(webhookIds.size(), "?")) + ")";
        try (var connection = DriverManager.getConnection(on.databaseUrl());
                var query = connection.prepareStatement(sql)) {
            for (int i = 0; i < webhookIds.size(); i++) {
                query.setString(i + 1, webhookIds.get(i));
            }
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the webhook outbox", e);
        }
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
