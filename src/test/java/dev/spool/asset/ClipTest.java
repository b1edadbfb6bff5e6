package dev.spool.asset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.json.Json;
import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import dev.spool.testing.BothStores;
import dev.spool.testing.FileServer;
import dev.spool.testing.HttpReceiver;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import dev.spool.testing.TestVideos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * Clips of assets, end to end over HTTP: a 60 s asset whose frames show their own number is clipped, and the clip
 * is read back as a player would. Real ffmpeg, on SQLite and on PostgreSQL.
 */
@BothStores
class ClipTest {
    private static final Duration PROCESSING = Duration.ofSeconds(180);
    private static final int FPS = 30;

    @RegisterExtension
    static final SharedServers servers = new SharedServers(Map.of(
            "SPOOL_WORKERS", "1",
            "SPOOL_IMPORT_ALLOW_PRIVATE", "true",
            "SPOOL_X264_PRESET", "ultrafast"));

    /** The numbered asset, imported once per server and owned by alice. */
    private static final Map<TestServer, JsonNode> NUMBERED = new ConcurrentHashMap<>();

    private static final Map<TestServer, TestServer.UserKey> ALICE = new ConcurrentHashMap<>();

    static FileServer files;

    @TempDir
    static Path scratch;

    @Parameter
    Store store;

    TestServer server;
    ApiClient alice;

    @BeforeAll
    static void serveMedia(@TempDir Path dir) {
        files = FileServer.start().file("/numbered.mp4", TestVideos.numbered(dir.resolve("numbered.mp4"), 60, FPS));
    }

    @AfterAll
    static void stopServingMedia() {
        files.close();
    }

    @BeforeEach
    void connect() {
        server = servers.on(store);
        alice = server.client(ALICE.computeIfAbsent(server, s -> s.createUserKey("alice@example.com"))
                .key());
    }

    @Test
    void givenAReadyAsset_whenClipped_thenTheClipStartsOnTheRequestedFrameAndLastsTheRange() {
        var source = numbered();

        var created = alice.post(
                "/api/clip",
                Map.of("playbackId", source.path("playbackId").asText(), "startTime", 13_500, "endTime", 18_500));

        assertThat(created.status()).isEqualTo(200);
        var asset = created.json().path("asset");
        String clipPlaybackId = asset.path("playbackId").asText();
        assertThat(asset.path("name").asText()).isEqualTo("clip-" + clipPlaybackId);
        assertThat(asset.path("source").path("type").asText()).isEqualTo("clip");
        assertThat(asset.path("source").path("playbackId").asText())
                .isEqualTo(source.path("playbackId").asText());
        var task = finished(created.json().path("task").path("id").asText());
        assertThat(task.path("status").path("phase").asText())
                .as("the clip task: %s", task)
                .isEqualTo("completed");
        assertThat(task.path("type").asText()).isEqualTo("clip");
        assertThat(task.path("inputAssetId").asText())
                .isEqualTo(source.path("id").asText());
        assertThat(task.path("outputAssetId").asText())
                .isEqualTo(asset.path("id").asText());
        assertThat(task.path("params")
                        .path("clip")
                        .path("clipStrategy")
                        .path("startTime")
                        .asDouble())
                .isEqualTo(13_500);
        var spec = task.path("output").path("clip").path("assetSpec");
        assertThat(spec.path("id").asText()).isEqualTo(asset.path("id").asText());
        assertThat(spec.path("source").path("type").asText()).isEqualTo("clip");

        var clip = alice.get("/api/asset/" + asset.path("id").asText()).json();
        assertThat(clip.path("status").path("phase").asText()).isEqualTo("ready");
        assertThat(clip.path("videoSpec").path("duration").asDouble())
                .isCloseTo(5.0, org.assertj.core.data.Offset.offset(1.0 / FPS));
        String download = clip.path("downloadUrl").asText();
        assertThat(TestVideos.frameNumber(download, scratch)).isBetween(404, 406);
        assertThat(TestVideos.videoFrames(download)).isBetween(149, 151);
        assertThat(TestVideos.frameNumber(clip.path("playbackUrl").asText(), scratch))
                .isBetween(404, 406);
    }

    @Test
    void givenAnAssetWithClips_whenItsClipsAreListed_thenByIdOrPlaybackIdOnlyItsClips() {
        var source = numbered();
        String playbackId = source.path("playbackId").asText();
        var first = alice.post(
                        "/api/clip", Map.of("playbackId", playbackId, "startTime", 0, "endTime", 1000, "name", "first"))
                .json();
        var second = alice.post(
                        "/api/clip",
                        Map.of("playbackId", playbackId, "startTime", 2000, "endTime", 3000, "name", "second"))
                .json();

        var byId =
                alice.get("/api/asset/" + source.path("id").asText() + "/clips").json();
        var byPlaybackId = alice.get("/api/asset/" + playbackId + "/clips").json();
        var ofAClip = alice.get("/api/asset/" + first.path("asset").path("id").asText() + "/clips")
                .json();

        List<String> expected = List.of(
                second.path("asset").path("id").asText(),
                first.path("asset").path("id").asText());
        assertThat(ids(byId)).containsSubsequence(expected);
        assertThat(ids(byPlaybackId)).isEqualTo(ids(byId));
        assertThat(ofAClip).isEmpty();
        var bob = server.client(server.createUserKey("bob-" + System.nanoTime() + "@example.com")
                .key());
        assertThat(bob.get("/api/asset/" + source.path("id").asText() + "/clips")
                        .status())
                .isEqualTo(404);
        finished(first.path("task").path("id").asText());
        finished(second.path("task").path("id").asText());
    }

    @Test
    void givenBadClipRequests_whenPosted_thenEachIsRefusedNamingTheProblem() {
        var source = numbered();
        String playbackId = source.path("playbackId").asText();
        var bob = server.client(server.createUserKey("bob-" + System.nanoTime() + "@example.com")
                .key());
        var uploading = alice.post("/api/asset/request-upload", Map.of("name", "not yet"))
                .json()
                .path("asset");

        assertRefused(
                alice.post("/api/clip", Map.of("playbackId", "nosuchplayback00", "startTime", 0, "endTime", 1000)),
                404,
                "no asset with playbackId nosuchplayback00");
        assertRefused(
                bob.post("/api/clip", Map.of("playbackId", playbackId, "startTime", 0, "endTime", 1000)),
                404,
                "no asset with playbackId");
        assertRefused(
                alice.post("/api/clip", Map.of("playbackId", playbackId, "startTime", 5000, "endTime", 5000)),
                422,
                "endTime: must be after startTime");
        assertRefused(
                alice.post("/api/clip", Map.of("playbackId", playbackId, "startTime", 61_000, "endTime", 62_000)),
                422,
                "startTime: 61000 ms is not before the end of the asset");
        assertRefused(
                alice.post("/api/clip", Map.of("playbackId", playbackId, "startTime", 1000, "endTime", 1020)),
                422,
                "shorter than one frame");
        assertRefused(
                alice.post(
                        "/api/clip",
                        Map.of("playbackId", uploading.path("playbackId").asText(), "startTime", 0, "endTime", 1000)),
                422,
                "is uploading; only ready assets can be clipped");
    }

    @Test
    void givenAWebhook_whenAClipIsMade_thenItsTaskAndAssetEventsAreDelivered() {
        var source = numbered();
        try (var receiver = HttpReceiver.start(r -> HttpReceiver.Reply.status(204))) {
            var hook = alice.post(
                    "/api/webhook",
                    Map.of(
                            "name",
                            "clips",
                            "url",
                            receiver.url("/hook"),
                            "events",
                            List.of("task.completed", "asset.created", "asset.ready")));
            assertThat(hook.status()).as(hook.body()).isIn(200, 201);

            var created = alice.post(
                            "/api/clip",
                            Map.of(
                                    "playbackId",
                                    source.path("playbackId").asText(),
                                    "startTime",
                                    3000,
                                    "endTime",
                                    4000))
                    .json();
            String taskId = created.path("task").path("id").asText();
            String assetId = created.path("asset").path("id").asText();
            finished(taskId);

            var events = Await.until(
                    () -> receiver.received().stream()
                            .map(r -> Json.tree(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)))
                            .toList(),
                    // The task's and the asset's events are delivered in order per resource, not across them.
                    list -> list.stream()
                                    .anyMatch(e -> e.path("event").asText().equals("asset.ready")
                                            && e.path("payload")
                                                    .path("asset")
                                                    .path("id")
                                                    .asText()
                                                    .equals(assetId))
                            && list.stream()
                                    .anyMatch(e -> e.path("event").asText().equals("task.completed")
                                            && e.path("payload")
                                                    .path("task")
                                                    .path("id")
                                                    .asText()
                                                    .equals(taskId)),
                    PROCESSING,
                    "asset.ready and task.completed of the clip");
            assertThat(events).anySatisfy(e -> {
                assertThat(e.path("event").asText()).isEqualTo("task.completed");
                assertThat(e.path("payload").path("task").path("id").asText()).isEqualTo(taskId);
                assertThat(e.path("payload").path("task").path("type").asText()).isEqualTo("clip");
            });
            assertThat(events).anySatisfy(e -> {
                assertThat(e.path("event").asText()).isEqualTo("asset.created");
                assertThat(e.path("payload").path("asset").path("id").asText()).isEqualTo(assetId);
            });
            alice.delete("/api/webhook/" + hook.json().path("id").asText());
        }
    }

    private static void assertRefused(ApiClient.Response response, int status, String message) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.json().path("errors").get(0).asText()).contains(message);
    }

    private JsonNode numbered() {
        return NUMBERED.computeIfAbsent(server, s -> {
            var created = alice.post(
                            "/api/asset/upload/url", Map.of("name", "numbered", "url", files.url("/numbered.mp4")))
                    .json();
            var task = finished(created.path("task").path("id").asText());
            assertThat(task.path("status").path("phase").asText())
                    .as("the import: %s", task)
                    .isEqualTo("completed");
            return alice.get("/api/asset/" + created.path("asset").path("id").asText())
                    .json();
        });
    }

    private JsonNode finished(String taskId) {
        return Await.until(
                () -> alice.get("/api/task/" + taskId).json(),
                t -> List.of("completed", "failed", "cancelled")
                        .contains(t.path("status").path("phase").asText()),
                PROCESSING,
                "task " + taskId + " to finish");
    }

    private static List<String> ids(JsonNode assets) {
        return java.util.stream.StreamSupport.stream(assets.spliterator(), false)
                .map(a -> a.path("id").asText())
                .toList();
    }
}
