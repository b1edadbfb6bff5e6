package dev.spool.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.json.Json;
import dev.spool.task.engine.EngineSupport;
import dev.spool.task.engine.ScriptedHandler;
import dev.spool.testing.ApiClient;
import dev.spool.testing.BothStores;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/**
 * A receiver that is down (nothing listens on its port) while tasks run and finish, for several retry rounds, then
 * comes back on the same port: every event is delivered, exactly once per event id, and the events of each task
 * arrive in the order they happened. On SQLite and PostgreSQL.
 */
@BothStores
class WebhookOutageTest {
    private static final int TASKS = 6;
    private static final int FAILED_ROUNDS = 4;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final SharedServers servers = new SharedServers(
            Map.of(
                    "SPOOL_WORKERS", "2",
                    "SPOOL_WEBHOOK_ALLOW_PRIVATE", "true",
                    "SPOOL_WEBHOOK_RETRY_BASE", "200ms",
                    "SPOOL_WEBHOOK_RETRY_CAP", "1s"),
            List.of(new ScriptedHandler(tempLog(), "outage")));

    @Parameter
    Store store;

    @Test
    void eventsHeldWhileTheReceiverIsDownAreDeliveredOnceEachAndInOrderPerTaskWhenItIsBack() {
        TestServer server = servers.on(store);
        var owner = server.createUserKey("outage-" + UUID.randomUUID() + "@example.com");
        ApiClient client = server.client(owner.key());
        int port = freePort();
        String webhookId = client.post(
                        "/api/webhook",
                        Map.of(
                                "name",
                                "down",
                                "url",
                                "http://127.0.0.1:" + port + "/hook",
                                "events",
                                List.of("task.spawned", "task.updated", "task.completed", "task.failed")))
                .json()
                .path("id")
                .asText();

        var taskIds = new ArrayList<String>();
        for (int i = 0; i < TASKS; i++) {
            taskIds.add(WebhookDeliveryTest.createTask(server, owner, "{\"sleepMs\": 200}"));
        }
        for (String taskId : taskIds) {
            EngineSupport.await(
                    () -> client.get("/api/task/" + taskId)
                            .json()
                            .path("status")
                            .path("phase")
                            .asText(),
                    "completed"::equals,
                    WAIT,
                    "task " + taskId + " completed");
        }
        long failedRounds = failedAttemptsOfOneEvent(EngineSupport.await(
                () -> logs(client, webhookId),
                logs -> failedAttemptsOfOneEvent(logs) >= FAILED_ROUNDS,
                WAIT,
                FAILED_ROUNDS + " failed attempts of one event while the receiver is down"));

        try (var receiver = Receiver.startOn(port, 200)) {
            receiver.await(
                    received -> taskIds.stream()
                            .allMatch(taskId -> WebhookDeliveryTest.about(received, taskId).stream()
                                    .anyMatch(r -> r.event().equals("task.completed"))),
                    WAIT,
                    "task.completed of every task");
            // A delivery's log is written after the receiver answered: wait for the log of every event received too.
            EngineSupport.await(
                    () -> logs(client, webhookId),
                    logs -> everyEventSucceeded(logs)
                            && succeededEventIds(logs)
                                    .containsAll(receiver.received().stream()
                                            .map(r -> r.json().path("id").asText())
                                            .toList()),
                    WAIT,
                    "a successful attempt of every logged and every received event");

            List<Receiver.Received> received = receiver.received();
            var ids = received.stream().map(r -> r.json().path("id").asText()).toList();
            assertThat(ids)
                    .as("event ids received")
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(eventIds(logs(client, webhookId)));
            System.out.printf(
                    "WebhookOutageTest on %s: %d tasks, receiver down for %d attempts, %d events delivered"
                            + " once each%n",
                    store, TASKS, failedRounds, ids.size());
            for (String taskId : taskIds) {
                var events = WebhookDeliveryTest.about(received, taskId);
                assertThat(events)
                        .extracting(Receiver.Received::event)
                        .as("events of task %s", taskId)
                        .startsWith("task.spawned")
                        .endsWith("task.completed");
                assertThat(events)
                        .extracting(r -> r.json().path("createdAt").asLong())
                        .as("events of task %s in the order they happened", taskId)
                        .isSorted();
            }
        }
    }

    private static JsonNode logs(ApiClient client, String webhookId) {
        return client.get("/api/webhook/" + webhookId + "/log?limit=1000").json();
    }

    private static List<String> eventIds(JsonNode logs) {
        return StreamSupport.stream(logs.spliterator(), false)
                .map(WebhookOutageTest::eventId)
                .distinct()
                .toList();
    }

    /** The id of the event a logged request carried: the same in every attempt of one delivery. */
    private static String eventId(JsonNode log) {
        return Json.tree(log.path("request").path("body").asText()).path("id").asText();
    }

    private static long failedAttemptsOfOneEvent(JsonNode logs) {
        return StreamSupport.stream(logs.spliterator(), false)
                .filter(log -> !log.path("success").asBoolean())
                .collect(Collectors.groupingBy(WebhookOutageTest::eventId, Collectors.counting()))
                .values()
                .stream()
                .mapToLong(Long::longValue)
                .max()
                .orElse(0);
    }

    private static boolean everyEventSucceeded(JsonNode logs) {
        return !logs.isEmpty() && succeededEventIds(logs).containsAll(eventIds(logs));
    }

    private static Set<String> succeededEventIds(JsonNode logs) {
        var succeeded = new HashSet<String>();
        logs.forEach(log -> {
            if (log.path("success").asBoolean()) {
                succeeded.add(eventId(log));
            }
        });
        return succeeded;
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempLog() {
        try {
            return Files.createTempFile("spool-outage-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
