package dev.spool.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.config.ConfigException;
import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import dev.spool.testing.BothStores;
import dev.spool.testing.FileServer;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import dev.spool.testing.TestVideos;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/** {@code /metrics} on its own port: strict Prometheus text, moving as a task runs, with no tenant data in labels. */
@BothStores
class MetricsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Map<String, String> CONFIG = Map.of(
            "SPOOL_WORKERS", "1",
            "SPOOL_X264_PRESET", "ultrafast",
            "SPOOL_METRICS_PORT", "0",
            "SPOOL_WEBHOOK_ALLOW_PRIVATE", "true");

    @RegisterExtension
    static final SharedServers servers = new SharedServers(CONFIG);

    static Path video;

    @Parameter
    Store store;

    @BeforeAll
    static void generateMedia(@TempDir Path dir) {
        video = TestVideos.generate(dir.resolve("metrics.mp4"), 2);
    }

    @Test
    void givenAServer_whenScrapedWithoutAnyKey_thenTheAnswerIsPrometheusTextWithPoolAndJvmMeters() throws Exception {
        var server = servers.on(store);

        var scrape = scrape(server);

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain; version=0.0.4");
        var metrics = PrometheusText.parse(scrape.body());
        assertThat(metrics.has("hikaricp_connections_active")).isTrue();
        assertThat(metrics.has("jvm_memory_used_bytes")).isTrue();
        assertThat(metrics.has("spool_tasks_unfinished")).isTrue();
        assertThat(metrics.has("spool_webhook_queue")).isTrue();
    }

    @Test
    void givenAPoolSize_whenScraped_thenTheMainPoolsMaximumIsThatSize() throws Exception {
        try (var server = TestServer.start(
                store, Map.of("SPOOL_DATABASE_POOL_SIZE", "5", "SPOOL_METRICS_PORT", "0", "SPOOL_WORKERS", "1"))) {
            var metrics = PrometheusText.parse(scrape(server).body());

            assertThat(metrics.value("hikaricp_connections_max", "pool", "spool-db"))
                    .isEqualTo(5.0);
        }
    }

    @Test
    void givenAnUploadedFile_whenItsTaskRuns_thenTaskHttpUploadAndEncodeMetersMove() throws Exception {
        var server = servers.on(store);
        var user = server.createUserKey("metrics@example.com");
        var alice = server.client(user.key());
        var before = PrometheusText.parse(scrape(server).body());

        var requested = alice.post("/api/asset/request-upload", Map.of("name", "metered"))
                .json();
        var put = HTTP.send(
                HttpRequest.newBuilder(URI.create(requested.path("url").asText()))
                        .PUT(HttpRequest.BodyPublishers.ofFile(video))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        String taskId = requested.path("task").path("id").asText();
        awaitPhase(alice, taskId, "completed");

        String text = Await.until(
                () -> scrapeText(server),
                t -> PrometheusText.parse(t).value("spool_task_events_total", "type", "upload", "event", "completed")
                        > before.value("spool_task_events_total", "type", "upload", "event", "completed"),
                Duration.ofSeconds(10),
                "the completed upload to be counted");
        var after = PrometheusText.parse(text);
        assertThat(delta(before, after, "spool_task_events_total", "type", "upload", "event", "created"))
                .isEqualTo(1);
        assertThat(delta(before, after, "spool_task_events_total", "type", "upload", "event", "completed"))
                .isEqualTo(1);
        assertThat(delta(before, after, "spool_task_wait_seconds_count", "type", "upload"))
                .isEqualTo(1);
        assertThat(delta(before, after, "spool_task_run_seconds_count", "type", "upload"))
                .isEqualTo(1);
        assertThat(delta(before, after, "spool_task_run_seconds_sum", "type", "upload"))
                .isPositive();
        assertThat(delta(before, after, "spool_encode_speed_count")).isEqualTo(1);
        assertThat(delta(before, after, "spool_upload_bytes_total", "kind", "direct"))
                .isEqualTo(Files.size(video));
        assertThat(delta(
                        before,
                        after,
                        "spool_http_server_requests_seconds_count",
                        "method",
                        "POST",
                        "route",
                        "/api/asset/request-upload",
                        "status",
                        "200"))
                .isEqualTo(1);
        assertThat(after.value(
                        "spool_http_server_requests_seconds_bucket",
                        "method",
                        "POST",
                        "route",
                        "/api/asset/request-upload",
                        "status",
                        "200",
                        "le",
                        "+Inf"))
                .isPositive();
        assertThat(text)
                .doesNotContain(
                        taskId,
                        requested.path("asset").path("id").asText(),
                        user.userId(),
                        user.projectId(),
                        "metered",
                        "metrics@example.com");
    }

    @Test
    void givenAWebhookWhoseReceiverAnswers404_whenAnEventIsDelivered_thenAFailedDeliveryIsCounted() {
        var server = servers.on(store);
        var alice = server.client(server.createUserKey("hooks@example.com").key());
        try (var receiver = FileServer.start()) {
            assertThat(alice.post(
                                    "/api/webhook",
                                    Map.of(
                                            "name",
                                            "refusing",
                                            "url",
                                            receiver.url("/hook"),
                                            "events",
                                            List.of("asset.created")))
                            .status())
                    .isEqualTo(200);
            var before = PrometheusText.parse(scrapeText(server));

            alice.post("/api/asset/request-upload", Map.of("name", "announced"));

            Await.until(
                    () -> PrometheusText.parse(scrapeText(server)),
                    after -> delta(before, after, "spool_webhook_deliveries_total", "outcome", "failed") == 1,
                    Duration.ofSeconds(20),
                    "the refused delivery to be counted as failed");
        }
    }

    @Test
    void givenRequestsForUnknownIds_whenScraped_thenTheRouteIsTheTemplateNeverThePath() throws Exception {
        var server = servers.on(store);
        var alice = server.client(server.createUserKey("paths@example.com").key());

        assertThat(alice.get("/api/task/no-such-task-4711").status()).isEqualTo(404);
        HTTP.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/no/such/path-4711"))
                        .build(),
                HttpResponse.BodyHandlers.discarding());

        String text = scrapeText(server);
        assertThat(PrometheusText.parse(text)
                        .value(
                                "spool_http_server_requests_seconds_count",
                                "method",
                                "GET",
                                "route",
                                "/api/task/{id}",
                                "status",
                                "404"))
                .isPositive();
        // The paths' own words: a bare number could turn up in any metric's value.
        assertThat(text)
                .contains("route=\"unmatched\"")
                .doesNotContain("no-such-task")
                .doesNotContain("path-4711");
    }

    @Test
    void givenTheMetricsPortIsTaken_whenAServerStarts_thenItRefusesWithOneLineNamingThePort() throws Exception {
        try (var taken = new ServerSocket(0)) {
            String port = Integer.toString(taken.getLocalPort());

            assertThatThrownBy(() -> TestServer.start(store, Map.of("SPOOL_METRICS_PORT", port)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("SPOOL_METRICS_PORT " + port + " is already in use");
        }
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }

    private static void awaitPhase(ApiClient client, String taskId, String phase) {
        Await.until(
                () -> client.get("/api/task/" + taskId).json(),
                (JsonNode task) -> {
                    String now = task.path("status").path("phase").asText();
                    if (now.equals("failed")) {
                        throw new AssertionError("task failed: " + task);
                    }
                    return now.equals(phase);
                },
                Duration.ofSeconds(120),
                "task " + taskId + " to be " + phase);
    }

    private static HttpResponse<String> scrape(TestServer server) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + server.server().metricsPort() + "/metrics"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String scrapeText(TestServer server) {
        try {
            return scrape(server).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
