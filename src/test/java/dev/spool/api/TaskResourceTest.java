package dev.spool.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.testing.ApiClient;
import dev.spool.testing.BothStores;
import dev.spool.testing.CapturedOutput;
import dev.spool.testing.OpenApiContract;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code /api/task} over real HTTP, on SQLite and on PostgreSQL. */
@BothStores
class TaskResourceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final SharedServers servers = new SharedServers();

    static CapturedOutput output;

    @Parameter
    Store store;

    TestServer server;
    ApiClient admin;

    @BeforeAll
    static void captureOutput() {
        // Starts before any server, so that nothing a server ever says escapes the credential checks.
        output = CapturedOutput.start();
    }

    @AfterAll
    static void releaseOutput() {
        output.close();
    }

    @BeforeEach
    void connect() {
        server = servers.on(store);
        admin = server.admin();
    }

    /** A task as created, what its params must read back as, and the secrets that must never be echoed. */
    record Variant(String name, String type, String params, String expectedParams, List<String> secrets) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Variant> everyParamsVariant() {
        return Stream.of(
                new Variant("upload", "upload", """
                        {"upload": {"url": "https://cdn.example.com/in.mp4",
                          "encryption": {"encryptedKey": "ENCRYPTED-AES-KEY-0001"},
                          "c2pa": true,
                          "profiles": [{"name": "720p", "width": 1280, "height": 720, "bitrate": 3000000,
                                        "quality": 23, "fps": 30, "fpsDen": 1, "gop": 2,
                                        "profile": "H264High", "encoder": "H.264"}],
                          "targetSegmentSizeSecs": 6,
                          "thumbnails": true}}""", """
                        {"upload": {"url": "https://cdn.example.com/in.mp4",
                          "encryption": {"encryptedKey": "***"},
                          "c2pa": true,
                          "profiles": [{"name": "720p", "width": 1280, "height": 720, "bitrate": 3000000,
                                        "quality": 23, "fps": 30, "fpsDen": 1, "gop": "2",
                                        "profile": "H264High", "encoder": "H.264"}],
                          "targetSegmentSizeSecs": 6,
                          "thumbnails": true}}""", List.of("ENCRYPTED-AES-KEY-0001")),
                new Variant(
                        "export to a custom URL",
                        "export",
                        """
                        {"export": {"custom": {"url": "https://uploader:UPLOAD-PASSWORD-0002@upload.example.com/put",
                          "method": "PUT",
                          "headers": {"Authorization": "Bearer EXPORT-HEADER-TOKEN-0003"}}}}""",
                        """
                        {"export": {"custom": {"url": "https://***:***@upload.example.com/put",
                          "method": "PUT",
                          "headers": {"Authorization": "***"}}}}""",
                        List.of("UPLOAD-PASSWORD-0002", "EXPORT-HEADER-TOKEN-0003")),
                new Variant(
                        "export to IPFS with a Pinata key and secret",
                        "export",
                        """
                        {"export": {"ipfs": {"nftMetadataTemplate": "player",
                          "nftMetadata": {"name": "My clip", "attributes": {"rating": 5}},
                          "pinata": {"apiKey": "pinata-api-key", "apiSecret": "PINATA-API-SECRET-0004"}}}}""",
                        """
                        {"export": {"ipfs": {"nftMetadataTemplate": "player",
                          "nftMetadata": {"name": "My clip", "attributes": {"rating": 5}},
                          "pinata": {"apiKey": "pinata-api-key", "apiSecret": "***"}}}}""",
                        List.of("PINATA-API-SECRET-0004")),
                new Variant("export to IPFS with a Pinata JWT", "export", """
                        {"export": {"ipfs": {"nftMetadataTemplate": "file",
                          "pinata": {"jwt": "PINATA-JWT-0005"}}}}""", """
                        {"export": {"ipfs": {"nftMetadataTemplate": "file",
                          "pinata": {"jwt": "***"}}}}""", List.of("PINATA-JWT-0005")),
                new Variant("exportData", "export-data", """
                        {"exportData": {"content": {"data": "Hello, World!"},
                          "ipfs": {"pinata": {"jwt": "EXPORT-DATA-JWT-0006"}},
                          "type": "attestation", "id": "attestation-1"}}""", """
                        {"exportData": {"content": {"data": "Hello, World!"},
                          "ipfs": {"pinata": {"jwt": "***"}},
                          "type": "attestation", "id": "attestation-1"}}""", List.of("EXPORT-DATA-JWT-0006")),
                new Variant(
                        "transcode-file with a string creatorId",
                        "transcode-file",
                        """
                        {"transcode-file": {
                          "input": {"url": "s3+https://INPUTKEY0007:INPUTSECRET0008@s3.example.com/bucket/in.mp4"},
                          "storage": {"url": "s3+https://OUTPUTKEY0009:OUTPUTSECRET0010@s3.example.com/out"},
                          "outputs": {"hls": {"path": "/out/hls"}, "mp4": {"path": "/out/mp4"},
                                      "fmp4": {"path": "/out/fmp4"}},
                          "profiles": [{"name": "360p", "width": 640, "height": 360, "bitrate": 1000000, "gop": 2}],
                          "targetSegmentSizeSecs": 10,
                          "creatorId": "creator-1",
                          "c2pa": false}}""",
                        """
                        {"transcode-file": {
                          "input": {"url": "s3+https://***:***@s3.example.com/bucket/in.mp4"},
                          "storage": {"url": "s3+https://***:***@s3.example.com/out"},
                          "outputs": {"hls": {"path": "/out/hls"}, "mp4": {"path": "/out/mp4"},
                                      "fmp4": {"path": "/out/fmp4"}},
                          "profiles": [{"name": "360p", "width": 640, "height": 360, "bitrate": 1000000, "gop": "2"}],
                          "targetSegmentSizeSecs": 10,
                          "creatorId": "creator-1",
                          "c2pa": false}}""",
                        List.of("INPUTKEY0007", "INPUTSECRET0008", "OUTPUTKEY0009", "OUTPUTSECRET0010")),
                new Variant(
                        "transcode-file with an object creatorId",
                        "transcode-file",
                        """
                        {"transcode-file": {
                          "input": {"url": "https://cdn.example.com/in.mp4"},
                          "storage": {"url": "s3+https://OUTPUTKEY0011:OUTPUTSECRET0012@s3.example.com/out"},
                          "outputs": {"hls": {"path": "/hls"}},
                          "creatorId": {"type": "unverified", "value": "creator-2"}}}""",
                        """
                        {"transcode-file": {
                          "input": {"url": "https://cdn.example.com/in.mp4"},
                          "storage": {"url": "s3+https://***:***@s3.example.com/out"},
                          "outputs": {"hls": {"path": "/hls"}},
                          "creatorId": {"type": "unverified", "value": "creator-2"}}}""",
                        List.of("OUTPUTKEY0011", "OUTPUTSECRET0012")),
                new Variant("clip", "clip", """
                        {"clip": {"url": "https://cdn.example.com/recordings/session-1/index.m3u8",
                          "clipStrategy": {"startTime": 1587667174725, "endTime": 1587667184725,
                                           "playbackId": "abcd1234efgh"},
                          "sessionId": "session-1", "inputId": "stream-1"}}""", """
                        {"clip": {"url": "https://cdn.example.com/recordings/session-1/index.m3u8",
                          "clipStrategy": {"startTime": 1587667174725, "endTime": 1587667184725,
                                           "playbackId": "abcd1234efgh"},
                          "sessionId": "session-1", "inputId": "stream-1"}}""", List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyParamsVariant")
    void givenATaskOfEachParamsVariant_whenReadBack_thenItHasExactlyItsFieldsWithCredentialsMasked(Variant variant) {
        var created =
                admin.post("/api/task", "{\"type\": \"" + variant.type() + "\", \"params\": " + variant.params() + "}");
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().path("id").asText();

        var read = admin.get("/api/task/" + id);

        assertThat(read.status()).isEqualTo(200);
        JsonNode task = read.json();
        assertThat(fieldNames(task))
                .containsExactlyInAnyOrder("id", "type", "createdAt", "scheduledAt", "projectId", "params", "status");
        assertThat(task.path("type").asText()).isEqualTo(variant.type());
        assertThat(task.path("createdAt").isIntegralNumber()).isTrue();
        assertThat(task.path("scheduledAt").asLong())
                .isEqualTo(task.path("createdAt").asLong());
        assertThat(sameJson(task.path("params"), tree(variant.expectedParams())))
                .as("params read back as %s", task.path("params"))
                .isTrue();
        assertThat(fieldNames(task.path("status"))).containsExactlyInAnyOrder("phase", "updatedAt", "retries");
        assertThat(task.path("status").path("phase").asText()).isEqualTo("waiting");
        assertThat(task.path("status").path("updatedAt").isNumber()).isTrue();
        assertThat(task.path("status").path("retries").asInt()).isZero();

        var listed = admin.get("/api/task?limit=1000");
        for (String secret : variant.secrets()) {
            assertThat(created.body()).as("the create response").doesNotContain(secret);
            assertThat(read.body()).as("the read response").doesNotContain(secret);
            assertThat(listed.body()).as("the list response").doesNotContain(secret);
            assertThat(output.text()).as("the server's output").doesNotContain(secret);
        }
    }

    @Test
    void givenAnUnknownTaskId_whenRead_thenNotFound() {
        var response = admin.get("/api/task/" + UUID.randomUUID());

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json()).isEqualTo(tree("{\"errors\": [\"not found\"]}"));
    }

    @Test
    void givenAnotherTenantsTask_whenRead_thenNotFoundAsIfItDidNotExist() {
        var owner = server.createUserKey("owner-" + UUID.randomUUID() + "@example.com");
        var stranger = server.createUserKey("stranger-" + UUID.randomUUID() + "@example.com");
        String id = createTask(owner.userId(), "clip", false).path("id").asText();

        var asStranger = server.client(stranger.key()).get("/api/task/" + id);
        var asOwner = server.client(owner.key()).get("/api/task/" + id);

        assertThat(asStranger.status()).isEqualTo(404);
        assertThat(asStranger.json()).isEqualTo(tree("{\"errors\": [\"not found\"]}"));
        assertThat(asOwner.status()).isEqualTo(200);
        assertThat(asOwner.json().path("projectId").asText()).isEqualTo(owner.projectId());
        assertThat(server.client(stranger.key()).get("/api/task").json()).isEmpty();
    }

    @Test
    void givenNoKeyOrAnUnknownKey_whenCallingTheTaskApi_thenUnauthorized() {
        String id = createTask(null, "upload", false).path("id").asText();
        var unknownKey = server.client("not-a-key-" + UUID.randomUUID());

        for (var client : List.of(server.anonymous(), unknownKey)) {
            assertThat(client.get("/api/task").status()).isEqualTo(401);
            assertThat(client.get("/api/task/" + id).status()).isEqualTo(401);
            assertThat(client.post("/api/task", uploadTask(null)).status()).isEqualTo(401);
        }
    }

    @Test
    void givenANonAdminKey_whenCreatingATask_thenForbidden() {
        var user = server.createUserKey("user-" + UUID.randomUUID() + "@example.com");

        var response = server.client(user.key()).post("/api/task", uploadTask(null));

        assertThat(response.status()).isEqualTo(403);
    }

    @Test
    void givenSeveralTasks_whenListed_thenABareArrayNewestFirst() {
        var user = server.createUserKey("lister-" + UUID.randomUUID() + "@example.com");
        List<String> created = createTasksOneMillisecondApart(user.userId(), List.of("upload", "clip", "export"));

        var response = server.client(user.key()).get("/api/task");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().isArray()).isTrue();
        assertThat(ids(response.json())).containsExactlyElementsOf(created.reversed());
        assertThat(response.header("Link")).isEmpty();
    }

    @Test
    void givenMoreTasksThanALimit_whenFollowingLinkHeaders_thenEveryTaskIsSeenOnceNewestFirst() {
        var user = server.createUserKey("pager-" + UUID.randomUUID() + "@example.com");
        var client = server.client(user.key());
        List<String> created =
                createTasksOneMillisecondApart(user.userId(), List.of("upload", "clip", "export", "upload", "clip"));

        var seen = new ArrayList<String>();
        var pageSizes = new ArrayList<Integer>();
        String next = "/api/task?limit=2";
        while (next != null) {
            var page = client.get(next);
            assertThat(page.status()).isEqualTo(200);
            seen.addAll(ids(page.json()));
            pageSizes.add(page.json().size());
            next = page.header("Link").map(TaskResourceTest::nextUrl).orElse(null);
        }

        assertThat(pageSizes).containsExactly(2, 2, 1);
        assertThat(seen).containsExactlyElementsOf(created.reversed());
    }

    @Test
    void givenTasksOfSeveralTypesAndPhases_whenFiltered_thenOnlyTheMatchingOnes() {
        var user = server.createUserKey("filter-" + UUID.randomUUID() + "@example.com");
        var client = server.client(user.key());
        List<String> created =
                createTasksOneMillisecondApart(user.userId(), List.of("upload", "clip", "export", "clip"));
        String pending = createTask(user.userId(), "upload", true).path("id").asText();
        var all = client.get("/api/task?order=createdAt-false").json();
        long secondCreatedAt = all.get(1).path("createdAt").asLong();
        long fourthCreatedAt = all.get(3).path("createdAt").asLong();

        var clips = client.get("/api/task?filters=" + encode("[{\"id\": \"type\", \"value\": \"clip\"}]"));
        var pendings = client.get("/api/task?filters=" + encode("[{\"id\": \"phase\", \"value\": \"pending\"}]"));
        var between = client.get("/api/task?filters="
                + encode("[{\"id\": \"createdAt\", \"value\": {\"gt\": " + secondCreatedAt + ", \"lt\": "
                        + fourthCreatedAt + "}}]"));

        assertThat(ids(clips.json())).containsExactly(created.get(3), created.get(1));
        assertThat(ids(pendings.json())).containsExactly(pending);
        assertThat(ids(between.json())).containsExactly(created.get(2));
    }

    @Test
    void givenSeveralTasks_whenOrderedByCreatedAtAscendingAndCounted_thenOldestFirstWithTheTotal() {
        var user = server.createUserKey("order-" + UUID.randomUUID() + "@example.com");
        List<String> created = createTasksOneMillisecondApart(user.userId(), List.of("upload", "clip", "export"));

        var response = server.client(user.key()).get("/api/task?order=createdAt-false&count=true&limit=2");

        assertThat(ids(response.json())).containsExactly(created.get(0), created.get(1));
        assertThat(response.header("X-Total-Count")).hasValue("3");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "limit   | abc",
                "limit   | 0",
                "limit   | 1001",
                "cursor  | page-2",
                "filters | not json",
                "filters | {\"id\": \"type\", \"value\": \"clip\"}",
                "filters | [{\"id\": \"colour\", \"value\": \"red\"}]",
                "filters | [{\"id\": \"type\"}]",
                "filters | [{\"id\": \"createdAt\", \"value\": {\"about\": 1}}]",
                "order   | colour-true",
                "order   | createdAt-sideways"
            })
    void givenAMalformedListParameter_whenListing_thenBadRequestNamingIt(String parameter, String value) {
        var response = admin.get("/api/task?" + parameter + "=" + encode(value));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("errors").get(0).asText()).startsWith(parameter + ":");
    }

    @Test
    void givenAnUnknownRouteUnderApi_whenCalled_thenNotFound() {
        var response = admin.get("/api/no-such-thing");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json()).isEqualTo(tree("{\"errors\": [\"not found\"]}"));
    }

    @Test
    void givenAKnownRoute_whenCalledWithAMethodItDoesNotTake_thenMethodNotAllowed() {
        String id = createTask(null, "upload", false).path("id").asText();

        assertThat(admin.delete("/api/task").status()).isEqualTo(405);
        assertThat(admin.put("/api/task/" + id, uploadTask(null)).status()).isEqualTo(405);
    }

    @Test
    void givenABodyThatIsNotJson_whenCreatingATask_thenUnsupportedMediaType() {
        var response = admin.send("POST", "/api/task", "text/plain", "type=upload");

        assertThat(response.status()).isEqualTo(415);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "colour         | {\"type\": \"upload\", \"params\": {\"upload\": {}}, \"colour\": \"red\"}",
                "params.upload.speed | {\"type\": \"upload\", \"params\": {\"upload\": {\"speed\": 2}}}",
                "params.upload.targetSegmentSizeSecs | {\"type\": \"upload\", \"params\": {\"upload\": {\"targetSegmentSizeSecs\": \"six\"}}}",
                "params.upload.profiles | {\"type\": \"upload\", \"params\": {\"upload\": {\"profiles\": {\"name\": \"720p\"}}}}",
                "type           | {\"type\": \"dance\", \"params\": {\"upload\": {}}}",
                "type           | {\"params\": {\"upload\": {}}}",
                "type           | {\"type\": \"encode-chunk\", \"params\": {\"encode-chunk\": {\"job\": {}}}}",
                "params         | {\"type\": \"clip\", \"params\": {\"upload\": {}}}",
                "params         | {\"type\": \"upload\", \"params\": {\"upload\": {}, \"clip\": {}}}",
                "params         | {\"type\": \"upload\"}",
                "body           | {\"type\": ",
                "body           | ''"
            })
    void givenABodyThatDoesNotMatchTheSchema_whenCreatingATask_thenUnprocessableNamingTheField(
            String field, String body) {
        var response = admin.post("/api/task", body);

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().path("errors").get(0).asText()).contains(field);
    }

    @Test
    void givenAUserAtTheLimitOfUnfinishedTasks_whenCreatingAnother_thenTooManyRequestsWithRetryAfter() {
        try (var limited = TestServer.start(store, Map.of("SPOOL_MAX_UNFINISHED_TASKS_PER_USER", "1"))) {
            var client = limited.admin();
            assertThat(client.post("/api/task", uploadTask(null)).status()).isEqualTo(201);

            var response = client.post("/api/task", uploadTask(null));

            assertThat(response.status()).isEqualTo(429);
            assertThat(response.header("Retry-After")).isPresent();
        }
    }

    @Test
    void givenARunningServer_whenProbed_thenHealthyAndReady() {
        var health = server.anonymous().get("/healthz");
        var ready = server.anonymous().get("/readyz");

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json()).isEqualTo(tree("{\"status\": \"ok\"}"));
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json()).isEqualTo(tree("{\"status\": \"ready\", \"workers\": []}"));
    }

    @Test
    void givenARunningServer_whenAskedForItsOpenApiDocument_thenItServesTheOneTheTestsCheckAgainst() {
        var response = server.anonymous().get("/api/openapi.yaml");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(new String(OpenApiContract.documentBytes(), StandardCharsets.UTF_8));
    }

    /** Creates tasks in order, each in a later millisecond than the previous, and answers their ids. */
    private List<String> createTasksOneMillisecondApart(String userId, List<String> types) {
        var ids = new ArrayList<String>();
        long previous = 0;
        for (String type : types) {
            while (System.currentTimeMillis() <= previous) {
                Thread.onSpinWait();
            }
            var task = createTask(userId, type, false);
            previous = task.path("createdAt").asLong();
            ids.add(task.path("id").asText());
        }
        return ids;
    }

    private JsonNode createTask(String userId, String type, boolean pending) {
        String params = switch (type) {
            case "upload" -> "{\"upload\": {\"url\": \"https://cdn.example.com/in.mp4\"}}";
            case "clip" -> "{\"clip\": {\"url\": \"https://cdn.example.com/rec.m3u8\", \"sessionId\": \"s\"}}";
            case "export" -> "{\"export\": {\"custom\": {\"url\": \"https://example.com/put\"}}}";
            default -> throw new IllegalArgumentException(type);
        };
        var body = "{\"type\": \"" + type + "\", \"params\": " + params
                + (userId == null ? "" : ", \"userId\": \"" + userId + "\"")
                + (pending ? ", \"pending\": true" : "") + "}";
        var response = admin.post("/api/task", body);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    private static String uploadTask(String userId) {
        return "{\"type\": \"upload\", \"params\": {\"upload\": {\"url\": \"https://cdn.example.com/in.mp4\"}}"
                + (userId == null ? "" : ", \"userId\": \"" + userId + "\"") + "}";
    }

    /** The URL inside {@code <...>; rel="next"}. */
    private static String nextUrl(String link) {
        assertThat(link).matches("<[^>]+>; rel=\"next\"");
        return link.substring(1, link.indexOf('>'));
    }

    private static List<String> ids(JsonNode tasks) {
        var ids = new ArrayList<String>();
        tasks.forEach(task -> ids.add(task.path("id").asText()));
        return ids;
    }

    private static Set<String> fieldNames(JsonNode node) {
        var names = new HashSet<String>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Equal JSON, numbers compared by value: 6 and 6.0 are the same number, "2" and 2 are not the same value. */
    private static boolean sameJson(JsonNode actual, JsonNode expected) {
        return expected.equals(
                (a, b) -> a.isNumber() && b.isNumber()
                        ? a.decimalValue().compareTo(b.decimalValue())
                        : a.equals(b) ? 0 : 1,
                actual);
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
