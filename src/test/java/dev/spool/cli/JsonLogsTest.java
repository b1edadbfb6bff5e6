package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.json.Json;
import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import dev.spool.testing.FileServer;
import dev.spool.testing.TestVideos;
import java.io.IOException;
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
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SPOOL_LOG_FORMAT=json}, read by the logging configuration at start, so proven on a {@code spool serve} of
 * its own: every line on stdout (where logs go; the JVM's own warnings go to stderr) is a JSON object, and the
 * lines a task run logs carry its task, asset and user ids.
 */
class JsonLogsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void givenJsonLogs_whenATaskRuns_thenEveryLineIsJsonAndTheTasksLinesCarryItsIds(@TempDir Path dir)
            throws Exception {
        Path video = TestVideos.generate(dir.resolve("logged.mp4"), 2);
        Path stdout = dir.resolve("stdout.log");
        int port = freePort();
        String adminKey = "admin-" + UUID.randomUUID();
        String baseUrl = "http://127.0.0.1:" + port;
        String taskId;
        String assetId;
        try (var files = FileServer.start().file("/logged.mp4", video)) {
            Process serve = serve(dir, port, adminKey, stdout);
            try {
                Await.until(() -> healthy(baseUrl), ok -> ok, Duration.ofSeconds(60), "spool serve to answer");
                var admin = new ApiClient(baseUrl, adminKey);
                var created = admin.post(
                                "/api/asset/upload/url", Map.of("url", files.url("/logged.mp4"), "name", "logged"))
                        .json();
                taskId = created.path("task").path("id").asText();
                assetId = created.path("asset").path("id").asText();
                Await.until(
                        () -> admin.get("/api/task/" + taskId)
                                .json()
                                .path("status")
                                .path("phase")
                                .asText(),
                        "completed"::equals,
                        Duration.ofSeconds(120),
                        "the import to complete");
            } finally {
                serve.destroy();
                assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
        }

        List<JsonNode> lines = Files.readAllLines(stdout).stream()
                .filter(line -> !line.isBlank())
                .map(Json::tree)
                .toList();
        assertThat(lines)
                .allSatisfy(line -> assertThat(line.path("level").isTextual()).isTrue());
        var taskLines = lines.stream()
                .filter(line -> line.path("mdc").path("taskId").asText().equals(taskId))
                .toList();
        assertThat(taskLines).isNotEmpty().allSatisfy(line -> {
            assertThat(line.path("mdc").path("assetId").asText()).isEqualTo(assetId);
            assertThat(line.path("mdc").path("userId").asText()).isNotEmpty();
            assertThat(line.path("formattedMessage").isTextual()).isTrue();
        });
        assertThat(taskLines)
                .anySatisfy(line ->
                        assertThat(line.path("formattedMessage").asText()).startsWith("fetching source"));
    }

    private static Process serve(Path dir, int port, String adminKey, Path stdout) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var builder = new ProcessBuilder(
                        java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectOutput(stdout.toFile());
        var env = builder.environment();
        env.put("SPOOL_PORT", Integer.toString(port));
        env.put("SPOOL_DATA_DIR", dir.resolve("data").toString());
        env.put("SPOOL_ADMIN_API_KEY", adminKey);
        env.put("SPOOL_WORKERS", "1");
        env.put("SPOOL_X264_PRESET", "ultrafast");
        env.put("SPOOL_IMPORT_ALLOW_PRIVATE", "true");
        env.put("SPOOL_LOG_FORMAT", "json");
        env.remove("SPOOL_DATABASE_URL");
        env.remove("SPOOL_STORAGE_URL");
        return builder.start();
    }

    private static boolean healthy(String baseUrl) {
        try {
            return HTTP.send(
                                    HttpRequest.newBuilder(URI.create(baseUrl + "/healthz"))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
