package dev.spool.task.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.testing.ApiClient;
import dev.spool.testing.BothStores;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/** The task engine in-process, on SQLite and PostgreSQL: retries, cancel, retry, limits, live events. */
@BothStores
class EngineTest {
    static final Path LOG = SideEffects.tempLog("spool-engine-");

    @RegisterExtension
    static final SharedServers servers = new SharedServers(
            Map.of(
                    "SPOOL_WORKERS", "4",
                    "SPOOL_TASK_FIRST_RETRY_DELAY", "300ms",
                    "SPOOL_TASK_RETRY_DELAY", "600ms",
                    "SPOOL_TASK_LEASE", "3s",
                    "SPOOL_MAX_RUNNING_TASKS_PER_USER", "3"),
            List.of(new ScriptedHandler(LOG, "inproc")));

    @Parameter
    Store store;

    final SideEffects effects = new SideEffects(LOG);
    TestServer server;
    ApiClient admin;

    @BeforeEach
    void connect() {
        server = servers.on(store);
        admin = server.admin();
    }

    static String createWith(ApiClient client, String script) {
        var response = client.post(
                "/api/task",
                Map.of(
                        "type",
                        "export-data",
                        "params",
                        Map.of("exportData", Map.of("content", EngineSupport.json(script)))));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().path("id").asText();
    }

    JsonNode awaitTask(String id, Predicate<JsonNode> condition, Duration timeout) {
        return EngineSupport.await(() -> admin.get("/api/task/" + id).json(), condition, timeout, "task " + id);
    }

    static String phase(JsonNode task) {
        return task.path("status").path("phase").asText();
    }

    @Test
    void anUnretriableFailureFailsAtOnceWithItsMessageAndNoRetry() {
        String id = createWith(admin, "{\"fail\": \"unretriable\"}");

        var task = awaitTask(id, t -> phase(t).equals("failed"), Duration.ofSeconds(10));

        assertThat(task.path("status").path("retries").asInt()).isZero();
        assertThat(task.path("status").path("errorMessage").asText()).isEqualTo("scripted unretriable failure");
        assertThat(effects.starts().stream().filter(l -> l.taskId().equals(id))).hasSize(1);
    }

    @Test
    void aRetriableFailureIsRetriedWithTheConfiguredBackOffThenFails() {
        String id = createWith(admin, "{\"fail\": \"retriable\"}");

        var task = awaitTask(id, t -> phase(t).equals("failed"), Duration.ofSeconds(15));

        assertThat(task.path("status").path("retries").asInt()).isEqualTo(2);
        assertThat(task.path("status").path("errorMessage").asText())
                .isEqualTo("scripted retriable failure on attempt 3");
        var starts =
                effects.starts().stream().filter(l -> l.taskId().equals(id)).toList();
        assertThat(starts).extracting(SideEffects.Line::attempt).containsExactly(1, 2, 3);
        assertThat(starts.get(1).at() - starts.get(0).at()).isGreaterThanOrEqualTo(300);
        assertThat(starts.get(2).at() - starts.get(1).at()).isGreaterThanOrEqualTo(600);
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndCompletesShowingOneRetry() {
        String id = createWith(admin, "{\"fail\": \"retriable\", \"failAttempts\": 1}");

        var task = awaitTask(id, t -> phase(t).equals("completed"), Duration.ofSeconds(10));

        assertThat(task.path("status").path("retries").asInt()).isEqualTo(1);
        assertThat(task.path("output")
                        .path("exportData")
                        .path("ipfs")
                        .path("cid")
                        .asText())
                .isEqualTo("done-" + id);
    }

    @Test
    void aCancelledRunningTaskIsCancelledWithinTwoSecondsAndARetryCompletesIt() {
        String id = createWith(admin, "{\"sleepMs\": 30000, \"slowAttempts\": 1}");
        awaitTask(id, t -> phase(t).equals("running"), Duration.ofSeconds(5));

        long asked = System.currentTimeMillis();
        var cancel = admin.post("/api/task/" + id + "/cancel");
        var cancelled = awaitTask(id, t -> phase(t).equals("cancelled"), Duration.ofSeconds(2));

        assertThat(cancel.status()).isEqualTo(200);
        assertThat(System.currentTimeMillis() - asked).isLessThan(2000);
        assertThat(cancelled.path("status").has("progress")).isFalse();
        // The handler itself stopped: the worker interrupted its blocking sleep (which would otherwise last 3 s
        // more), and it never reached its end.
        EngineSupport.await(
                () -> effects.interruptions().stream()
                        .filter(l -> l.taskId().equals(id))
                        .count(),
                count -> count == 1,
                Duration.ofSeconds(2),
                "the interruption of task " + id + "'s handler");
        assertThat(effects.dones().stream().filter(l -> l.taskId().equals(id))).isEmpty();

        var retry = admin.post("/api/task/" + id + "/retry");
        assertThat(retry.status()).isEqualTo(200);
        assertThat(phase(retry.json())).isEqualTo("waiting");
        var completed = awaitTask(id, t -> phase(t).equals("completed"), Duration.ofSeconds(10));
        assertThat(completed.path("status").path("retries").asInt()).isZero();
    }

    @Test
    void cancelAndRetryInTheWrongPhaseAreRefusedNamingThePhase() {
        String id = createWith(admin, "{}");
        awaitTask(id, t -> phase(t).equals("completed"), Duration.ofSeconds(10));

        var cancel = admin.post("/api/task/" + id + "/cancel");
        assertThat(cancel.status()).isEqualTo(400);
        assertThat(cancel.json().path("errors").get(0).asText()).contains("completed");

        var retry = admin.post("/api/task/" + id + "/retry");
        assertThat(retry.status()).isEqualTo(400);
        assertThat(retry.json().path("errors").get(0).asText()).contains("completed");
    }

    @Test
    void aPendingTaskIsCancelledAtOnce() {
        var response = admin.post(
                "/api/task",
                Map.of(
                        "type",
                        "export-data",
                        "pending",
                        true,
                        "params",
                        Map.of("exportData", Map.of("content", Map.of()))));
        String id = response.json().path("id").asText();
        assertThat(phase(response.json())).isEqualTo("pending");

        var cancel = admin.post("/api/task/" + id + "/cancel");

        assertThat(cancel.status()).isEqualTo(200);
        assertThat(phase(cancel.json())).isEqualTo("cancelled");
    }

    @Test
    void anotherTenantCannotCancelOrRetryATask() {
        String id = createWith(admin, "{\"sleepMs\": 200}");
        var other = server.client(server.createUserKey("stranger-" + System.nanoTime() + "@example.com")
                .key());

        assertThat(other.post("/api/task/" + id + "/cancel").status()).isEqualTo(404);
        assertThat(other.post("/api/task/" + id + "/retry").status()).isEqualTo(404);
    }

    @Test
    void theHundredAndFirstUnfinishedTaskOfAUserIsRefusedAndNothingIsWritten() {
        var user = server.createUserKey("busy-" + System.nanoTime() + "@example.com");
        for (int i = 0; i < 100; i++) {
            var created = admin.post(
                    "/api/task",
                    Map.of(
                            "type",
                            "export-data",
                            "pending",
                            true,
                            "userId",
                            user.userId(),
                            "params",
                            Map.of("exportData", Map.of("content", Map.of()))));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
        }

        var refused = admin.post(
                "/api/task",
                Map.of(
                        "type",
                        "export-data",
                        "userId",
                        user.userId(),
                        "params",
                        Map.of("exportData", Map.of("content", Map.of()))));

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isPresent();
        assertThat(refused.json().path("errors").get(0).asText()).contains("maximum number of pending tasks");
        var count = server.client(user.key()).get("/api/task?count=true&limit=1");
        assertThat(count.header("X-Total-Count")).contains("100");
    }

    @Test
    void theEventStreamCarriesProgressSnapshotsAndEndsAfterCompletion() throws Exception {
        String id = createWith(admin, "{\"sleepMs\": 1500}");

        var request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/task/" + id + "/events"))
                .header("Authorization", "Bearer " + server.adminKey())
                .timeout(Duration.ofSeconds(20))
                .build();
        var response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
        var events = new ArrayList<String>();
        var phases = new ArrayList<String>();
        response.body().forEach(line -> {
            if (line.startsWith("event: ")) {
                events.add(line.substring(7));
            } else if (line.startsWith("data: ")) {
                phases.add(phase(EngineSupport.json(line.substring(6))));
            }
        });
        assertThat(events.getFirst()).isEqualTo("snapshot");
        assertThat(events.getLast()).isEqualTo("task.completed");
        assertThat(phases).contains("running").endsWith("completed");
        var progress = phases.stream().filter("running"::equals).count();
        assertThat(progress).isGreaterThan(1);
    }

    @Test
    void anIdleWorkerStartsANewTaskWithinAHundredMilliseconds() {
        var latencies = new ArrayList<Long>();
        for (int i = 0; i < 7; i++) {
            EngineSupport.sleep(Duration.ofMillis(1200));
            String id = createWith(admin, "{}");
            var task = awaitTask(id, t -> phase(t).equals("completed"), Duration.ofSeconds(10));
            long createdAt = task.path("createdAt").asLong();
            long started = effects.starts().stream()
                    .filter(l -> l.taskId().equals(id))
                    .findFirst()
                    .orElseThrow()
                    .at();
            latencies.add(started - createdAt);
        }
        latencies.sort(Long::compare);
        assertThat(latencies.get(latencies.size() / 2))
                .as("median create-to-start of %s", latencies)
                .isLessThan(100);
    }

    @Test
    void noUserRunsMoreThanItsLimitAtOnce() {
        var user = server.createUserKey("greedy-" + System.nanoTime() + "@example.com");
        for (int i = 0; i < 8; i++) {
            createFor(user.userId(), "{\"sleepMs\": 600}");
        }
        int maxRunning = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        var client = server.client(user.key());
        while (System.nanoTime() < deadline) {
            var running = client.get("/api/task?limit=100").json();
            int count = 0;
            for (var task : running) {
                if (task.path("status").path("phase").asText().equals("running")) {
                    count++;
                }
            }
            maxRunning = Math.max(maxRunning, count);
            EngineSupport.sleep(Duration.ofMillis(40));
        }
        assertThat(maxRunning).isEqualTo(3);
    }

    private String createFor(String userId, String script) {
        return EngineSupport.createExportTask(server, userId, script);
    }
}
