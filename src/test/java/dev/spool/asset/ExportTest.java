package dev.spool.asset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.ipfs.UnixFsCid;
import dev.spool.json.Json;
import dev.spool.media.SampleMedia;
import dev.spool.testing.ApiClient;
import dev.spool.testing.Await;
import dev.spool.testing.BothStores;
import dev.spool.testing.FileServer;
import dev.spool.testing.HttpReceiver;
import dev.spool.testing.HttpReceiver.Reply;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * Exports of a ready asset over HTTP: to a receiver playing the caller's URL, and to services playing Pinata and the
 * operator's kubo node. The services answer the CID of what they received (computed by the UnixFS code the kubo
 * vectors check), or a wrong one when told to. On SQLite and on PostgreSQL.
 */
@BothStores
class ExportTest {
    private static final Duration DONE = Duration.ofSeconds(120);
    private static final String WRONG_CID = "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH";
    /** Requests per path of the receiver; a flaky path fails its first request. */
    private static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
    /** While set, the kubo node answers a wrong CID. */
    private static volatile boolean kuboLies;

    private static final HttpReceiver services = HttpReceiver.start(ExportTest::reply);

    @RegisterExtension
    static final SharedServers servers = new SharedServers(Map.of(
            "SPOOL_WORKERS", "1",
            "SPOOL_IMPORT_ALLOW_PRIVATE", "true",
            "SPOOL_X264_PRESET", "ultrafast",
            "SPOOL_TASK_FIRST_RETRY_DELAY", "200ms",
            "SPOOL_TASK_RETRY_DELAY", "200ms",
            "SPOOL_IPFS_API_URL", services.url("/kubo"),
            "SPOOL_PINATA_API_URL", services.url("/pinata"),
            "SPOOL_IPFS_GATEWAY_URL", "https://gateway.example/ipfs/"));

    private static final Map<TestServer, JsonNode> READY = new ConcurrentHashMap<>();
    private static final Map<TestServer, TestServer.UserKey> ALICE = new ConcurrentHashMap<>();

    static FileServer files;
    static byte[] video;

    @Parameter
    Store store;

    TestServer server;
    ApiClient alice;

    private static Reply reply(HttpReceiver.Received request) {
        String path = request.pathAndQuery();
        int call = CALLS.computeIfAbsent(path.replaceAll("\\?.*", ""), p -> new AtomicInteger())
                .incrementAndGet();
        if (path.startsWith("/custom/forbidden")) {
            return Reply.status(403);
        }
        if (path.startsWith("/custom/flaky")) {
            return Reply.status(call == 1 ? 503 : 200);
        }
        if (path.startsWith("/custom/")) {
            return Reply.status(200);
        }
        boolean lie = "Bearer wrong".equals(request.header("authorization")) || (kuboLies && path.startsWith("/kubo/"));
        String cid = lie ? WRONG_CID : UnixFsCid.of(request.part("file"));
        if (path.startsWith("/kubo/api/v0/add")) {
            return Reply.json(200, "{\"Name\":\"f\",\"Hash\":\"" + cid + "\",\"Size\":\"1\"}\n");
        }
        return Reply.json(200, "{\"IpfsHash\":\"" + cid + "\",\"PinSize\":1,\"Timestamp\":\"2026-12-02T00:00:00Z\"}");
    }

    @BeforeAll
    static void serveMedia(@TempDir Path dir) throws IOException {
        Path file = SampleMedia.mp4(dir, "video.mp4", 2, "320x240");
        video = Files.readAllBytes(file);
        files = FileServer.start().file("/video.mp4", file);
    }

    @AfterAll
    static void stop() {
        files.close();
        services.close();
    }

    @BeforeEach
    void connect() {
        server = servers.on(store);
        alice = server.client(ALICE.computeIfAbsent(server, s -> s.createUserKey("alice@example.com"))
                .key());
    }

    @Test
    void givenAReadyAsset_whenExportedToAUrl_thenTheFileArrivesByteIdenticalWithTheHeadersAndTheyAreMasked() {
        String path = "/custom/ok/" + System.nanoTime();

        var created = alice.post(
                "/api/asset/" + assetId() + "/export",
                Map.of("custom", Map.of("url", services.url(path), "headers", Map.of("X-Upload-Token", "s3cret"))));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        var task = finished(created.json().path("task").path("id").asText());
        assertThat(task.path("status").path("phase").asText()).as("%s", task).isEqualTo("completed");
        assertThat(task.path("type").asText()).isEqualTo("export");
        assertThat(task.path("inputAssetId").asText()).isEqualTo(assetId());
        assertThat(task.path("params")
                        .path("export")
                        .path("custom")
                        .path("headers")
                        .path("X-Upload-Token")
                        .asText())
                .isEqualTo("***");
        var received = requestsTo(path);
        assertThat(received).hasSize(1);
        assertThat(received.get(0).method()).isEqualTo("PUT");
        assertThat(received.get(0).header("x-upload-token")).isEqualTo("s3cret");
        assertThat(received.get(0).header("content-type")).isEqualTo("video/mp4");
        assertThat(received.get(0).body()).isEqualTo(video);
    }

    @Test
    void givenAReceiverAnswering403_whenExported_thenTheTaskFailsAtOnceNamingTheStatus() {
        String path = "/custom/forbidden/" + System.nanoTime();

        var created = alice.post(
                "/api/asset/" + assetId() + "/export",
                Map.of("custom", Map.of("url", services.url(path), "method", "post")));

        var task = finished(created.json().path("task").path("id").asText());
        assertThat(task.path("status").path("phase").asText()).isEqualTo("failed");
        assertThat(task.path("status").path("errorMessage").asText()).contains("answered HTTP 403");
        assertThat(task.path("status").path("retries").asInt(0)).isZero();
        assertThat(requestsTo(path))
                .hasSize(1)
                .allSatisfy(r -> assertThat(r.method()).isEqualTo("POST"));
    }

    @Test
    void givenAReceiverAnswering503Once_whenExported_thenRetriedAndCompleted() {
        String path = "/custom/flaky/" + System.nanoTime();

        var created =
                alice.post("/api/asset/" + assetId() + "/export", Map.of("custom", Map.of("url", services.url(path))));

        var task = finished(created.json().path("task").path("id").asText());
        assertThat(task.path("status").path("phase").asText()).as("%s", task).isEqualTo("completed");
        assertThat(requestsTo(path))
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.body()).isEqualTo(video));
    }

    @Test
    void givenTheServersIpfsNode_whenExportedToIpfs_thenVideoAndMetadataArePinnedAndTheirCidsRecorded() {
        int before = services.received().size();

        var created = alice.post(
                "/api/asset/" + assetId() + "/export",
                Map.of("ipfs", Map.of("nftMetadata", Map.of("description", "mine"))));

        var task = finished(created.json().path("task").path("id").asText());
        assertThat(task.path("status").path("phase").asText()).as("%s", task).isEqualTo("completed");
        var ipfs = task.path("output").path("export").path("ipfs");
        String videoCid = UnixFsCid.of(video);
        assertThat(ipfs.path("videoFileCid").asText()).isEqualTo(videoCid);
        assertThat(ipfs.path("videoFileUrl").asText()).isEqualTo("ipfs://" + videoCid);
        assertThat(ipfs.path("videoFileGatewayUrl").asText()).isEqualTo("https://gateway.example/ipfs/" + videoCid);
        var pins = services.received().subList(before, services.received().size()).stream()
                .filter(r -> r.pathAndQuery().startsWith("/kubo/api/v0/add"))
                .toList();
        assertThat(pins).hasSize(2);
        assertThat(pins.get(0).part("file")).isEqualTo(video);
        var metadata = Json.tree(pins.get(1).partText("file"));
        assertThat(metadata.path("animation_url").asText()).isEqualTo("ipfs://" + videoCid);
        assertThat(metadata.path("description").asText()).isEqualTo("mine");
        assertThat(ipfs.path("nftMetadataCid").asText())
                .isEqualTo(UnixFsCid.of(pins.get(1).part("file")));
        assertThat(ipfs.path("nftMetadataUrl").asText())
                .isEqualTo("ipfs://" + ipfs.path("nftMetadataCid").asText());
    }

    @Test
    void givenPinataCredentials_whenExportedToIpfs_thenPinnedInThatAccount() {
        int before = services.received().size();

        var created = alice.post(
                "/api/asset/" + assetId() + "/export", Map.of("ipfs", Map.of("pinata", Map.of("jwt", "the-jwt"))));

        assertThat(created.json()
                        .path("task")
                        .path("params")
                        .path("export")
                        .path("ipfs")
                        .path("pinata")
                        .path("jwt")
                        .asText())
                .isEqualTo("***");
        var task = finished(created.json().path("task").path("id").asText());
        assertThat(task.path("status").path("phase").asText()).as("%s", task).isEqualTo("completed");
        assertThat(task.path("output")
                        .path("export")
                        .path("ipfs")
                        .path("videoFileCid")
                        .asText())
                .isEqualTo(UnixFsCid.of(video));
        var pins = services.received().subList(before, services.received().size()).stream()
                .filter(r -> r.pathAndQuery().equals("/pinata/pinning/pinFileToIPFS"))
                .toList();
        assertThat(pins)
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.header("authorization")).isEqualTo("Bearer the-jwt"));
    }

    @Test
    void givenAServiceAnsweringAnotherCid_whenExportedToIpfs_thenTheTaskFailsWithoutRetryNamingBothCids() {
        var created = alice.post(
                "/api/asset/" + assetId() + "/export", Map.of("ipfs", Map.of("pinata", Map.of("jwt", "wrong"))));

        var task = finished(created.json().path("task").path("id").asText());
        assertThat(task.path("status").path("phase").asText()).isEqualTo("failed");
        assertThat(task.path("status").path("errorMessage").asText())
                .contains(WRONG_CID)
                .contains(UnixFsCid.of(video));
        assertThat(task.path("status").path("retries").asInt(0)).isZero();
    }

    @Test
    void givenBadExportRequests_whenPosted_thenRefusedNamingTheProblem() {
        var uploading = alice.post("/api/asset/request-upload", Map.of("name", "not yet"))
                .json()
                .path("asset");

        var notReady = alice.post(
                "/api/asset/" + uploading.path("id").asText() + "/export",
                Map.of("custom", Map.of("url", services.url("/custom/x"))));
        var unknown =
                alice.post("/api/asset/no-such-asset/export", Map.of("custom", Map.of("url", "https://x.example")));
        var both = alice.post(
                "/api/asset/" + assetId() + "/export",
                Map.of("custom", Map.of("url", "https://x.example"), "ipfs", Map.of()));
        var nulls = alice.send(
                "POST",
                "/api/data/export",
                "application/json",
                "{\"content\": {\"a\": [1, null]}, \"ipfs\": {}, \"type\": \"t\", \"id\": \"1\"}");
        var ftp = alice.post("/api/asset/" + assetId() + "/export", Map.of("custom", Map.of("url", "ftp://x.example")));

        assertThat(notReady.status()).isEqualTo(412);
        assertThat(notReady.json().path("errors").get(0).asText()).contains("not ready to be exported");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(both.status()).isEqualTo(422);
        assertThat(nulls.status()).isEqualTo(422);
        assertThat(nulls.json().path("errors").get(0).asText()).contains("content.a[1]");
        assertThat(ftp.status()).isEqualTo(422);
        assertThat(ftp.json().path("errors").get(0).asText()).contains("custom.url");
    }

    @Test
    void givenAJsonDocument_whenExportedToIpfs_thenItsExactBytesArePinnedUnderTypeAndId() {
        int before = services.received().size();
        String content = "{\"claim\":\"mine\",\"n\":[1,2.5,true],\"nested\":{\"z\":{},\"a\":\"\u00e9\"}}";

        var created = alice.send(
                "POST",
                "/api/data/export",
                "application/json",
                "{\"content\": " + content + ", \"ipfs\": {}, \"type\": \"attestation\", \"id\": \"a-1\"}");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        var task = finished(created.json().path("task").path("id").asText());
        assertThat(task.path("type").asText()).isEqualTo("export-data");
        assertThat(task.path("status").path("phase").asText()).as("%s", task).isEqualTo("completed");
        var pins = services.received().subList(before, services.received().size()).stream()
                .filter(r -> r.pathAndQuery().startsWith("/kubo/api/v0/add"))
                .toList();
        assertThat(pins).hasSize(1);
        byte[] expected = content.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(pins.get(0).part("file")).isEqualTo(expected);
        assertThat(pins.get(0).partHeaders("file"))
                .contains("filename=\"attestation-a-1\"")
                .contains("application/json");
        assertThat(task.path("output")
                        .path("exportData")
                        .path("ipfs")
                        .path("cid")
                        .asText())
                .isEqualTo(UnixFsCid.of(expected));
    }

    @Test
    void givenAJsonDocument_whenExportedToAUrl_thenItArrivesAsJson() {
        String path = "/custom/data/" + System.nanoTime();

        var created = alice.post(
                "/api/data/export",
                Map.of(
                        "content",
                        Map.of("k", "v"),
                        "type",
                        "note",
                        "id",
                        "1",
                        "custom",
                        Map.of("url", services.url(path), "method", "POST")));

        var task = finished(created.json().path("task").path("id").asText());
        assertThat(task.path("status").path("phase").asText()).as("%s", task).isEqualTo("completed");
        assertThat(requestsTo(path)).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.header("content-type")).isEqualTo("application/json");
            assertThat(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("{\"k\":\"v\"}");
        });
    }

    @Test
    void givenAReadyAsset_whenPatchedWithStorageIpfs_thenItsStorageGoesWaitingToReadyWithTheCids() {
        var asset = freshAsset();
        String videoCid = UnixFsCid.of(video);

        var patched = alice.patch(
                "/api/asset/" + asset,
                Map.of("storage", Map.of("ipfs", Map.of("spec", Map.of("nftMetadataTemplate", "player")))));

        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        var storage = patched.json().path("storage");
        assertThat(storage.path("status").path("phase").asText()).isEqualTo("waiting");
        String taskId = storage.path("status").path("tasks").path("pending").asText();
        assertThat(finished(taskId).path("status").path("phase").asText()).isEqualTo("completed");
        var ready = alice.get("/api/asset/" + asset).json().path("storage");
        assertThat(ready.path("status").path("phase").asText()).isEqualTo("ready");
        assertThat(ready.path("status").path("tasks").path("last").asText()).isEqualTo(taskId);
        assertThat(ready.path("ipfs").path("cid").asText()).isEqualTo(videoCid);
        assertThat(ready.path("ipfs").path("url").asText()).isEqualTo("ipfs://" + videoCid);
        assertThat(ready.path("ipfs").path("gatewayUrl").asText())
                .isEqualTo("https://gateway.example/ipfs/" + videoCid);
        assertThat(ready.path("ipfs").path("nftMetadata").path("cid").asText()).startsWith("Qm");
        assertThat(ready.path("ipfs").path("spec").path("nftMetadataTemplate").asText())
                .isEqualTo("player");

        var again = alice.patch(
                        "/api/asset/" + asset,
                        Map.of("storage", Map.of("ipfs", Map.of("spec", Map.of("nftMetadataTemplate", "player")))))
                .json()
                .path("storage");
        assertThat(again.path("status").path("phase").asText())
                .as("the same spec: no new export")
                .isEqualTo("ready");
        var removed = alice.patch("/api/asset/" + asset, Map.of("storage", Map.of("ipfs", false)));
        assertThat(removed.status()).isEqualTo(400);
        assertThat(removed.json().path("errors").get(0).asText()).isEqualTo("Cannot remove asset from IPFS");
    }

    @Test
    void givenACopiedAsset_whenANewSpecsPinFails_thenStorageIsRevertedToTheLastCopy() {
        var asset = freshAsset();
        var first = alice.patch("/api/asset/" + asset, Map.of("storage", Map.of("ipfs", true)))
                .json();
        finished(first.path("storage")
                .path("status")
                .path("tasks")
                .path("pending")
                .asText());
        var copied = alice.get("/api/asset/" + asset).json().path("storage").path("ipfs");

        kuboLies = true;
        try {
            var second = alice.patch(
                            "/api/asset/" + asset,
                            Map.of(
                                    "storage",
                                    Map.of(
                                            "ipfs",
                                            Map.of("spec", Map.of("nftMetadata", Map.of("description", "new"))))))
                    .json();
            String taskId = second.path("storage")
                    .path("status")
                    .path("tasks")
                    .path("pending")
                    .asText();
            assertThat(finished(taskId).path("status").path("phase").asText()).isEqualTo("failed");

            var storage = alice.get("/api/asset/" + asset).json().path("storage");
            assertThat(storage.path("status").path("phase").asText()).isEqualTo("reverted");
            assertThat(storage.path("status").path("errorMessage").asText()).contains(WRONG_CID);
            assertThat(storage.path("status").path("tasks").path("failed").asText())
                    .isEqualTo(taskId);
            assertThat(storage.path("ipfs").path("cid").asText())
                    .isEqualTo(copied.path("cid").asText());
            assertThat(storage.path("ipfs").path("spec")).isEqualTo(copied.path("spec"));
        } finally {
            kuboLies = false;
        }
    }

    /** A ready asset of its own, for tests that change its storage. */
    private String freshAsset() {
        var created = alice.post(
                        "/api/asset/upload/url",
                        Map.of("name", "copied", "url", files.url("/video.mp4?" + System.nanoTime())))
                .json();
        var task = finished(created.path("task").path("id").asText());
        assertThat(task.path("status").path("phase").asText())
                .as("the import: %s", task)
                .isEqualTo("completed");
        return created.path("asset").path("id").asText();
    }

    private List<HttpReceiver.Received> requestsTo(String path) {
        return services.received().stream()
                .filter(r -> r.pathAndQuery().equals(path))
                .toList();
    }

    private String assetId() {
        return READY.computeIfAbsent(server, s -> {
                    var created = alice.post(
                                    "/api/asset/upload/url", Map.of("name", "exported", "url", files.url("/video.mp4")))
                            .json();
                    var task = finished(created.path("task").path("id").asText());
                    assertThat(task.path("status").path("phase").asText())
                            .as("the import: %s", task)
                            .isEqualTo("completed");
                    return created.path("asset");
                })
                .path("id")
                .asText();
    }

    private JsonNode finished(String taskId) {
        return Await.until(
                () -> alice.get("/api/task/" + taskId).json(),
                t -> List.of("completed", "failed", "cancelled")
                        .contains(t.path("status").path("phase").asText()),
                DONE,
                "task " + taskId + " to finish");
    }
}
