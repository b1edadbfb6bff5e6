package dev.spool.transcode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.ApiClient;
import dev.spool.testing.BothStores;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What {@code POST /api/transcode} accepts, how it normalises it, and what it refuses; no task runs here. */
@BothStores
class TranscodeRequestTest {
    private static final int QUEUE_LIMIT = 3;
    private static final String STORAGE = """
            {"type": "s3", "endpoint": "https://s3.example.com:9000/ignored", "bucket": "out",
             "credentials": {"accessKeyId": "AKID0001", "secretAccessKey": "se/cret+0002"}}""";

    @RegisterExtension
    static final SharedServers servers =
            new SharedServers(Map.of("SPOOL_MAX_UNFINISHED_TASKS_PER_USER", Integer.toString(QUEUE_LIMIT)));

    @Parameter
    Store store;

    TestServer server;
    ApiClient user;

    @BeforeEach
    void connect() {
        server = servers.on(store);
        user = server.client(
                server.createUserKey(UUID.randomUUID() + "@example.com").key());
    }

    @Test
    void givenAnS3InputAndStorage_whenPosted_thenTheTaskHoldsLivepeersUrlsMaskedAndPathsWithALeadingSlash() {
        var response = user.post("/api/transcode", """
                {"input": {"type": "s3", "endpoint": "http://minio.example.com:9000", "bucket": "in",
                           "path": "videos/my clip.mp4",
                           "credentials": {"accessKeyId": "AKID0003", "secretAccessKey": "se/cret+0004"}},
                 "storage": %s,
                 "outputs": {"hls": {"path": "out/hls"}, "mp4": {"path": "/"}, "fmp4": {"path": "out/fmp4"}},
                 "targetSegmentSizeSecs": 4, "creatorId": "creator-1", "c2pa": false}""".formatted(STORAGE));

        assertThat(response.status()).isEqualTo(200);
        var task = response.json();
        assertThat(task.path("type").asText()).isEqualTo("transcode-file");
        assertThat(task.path("status").path("phase").asText()).isEqualTo("waiting");
        assertThat(task.path("projectId").asText()).isNotEmpty();
        var params = task.path("params").path("transcode-file");
        assertThat(params.path("input").path("url").asText())
                .isEqualTo("s3+http://***:***@minio.example.com:9000/in/videos/my%20clip.mp4");
        assertThat(params.path("storage").path("url").asText()).isEqualTo("s3+https://***:***@s3.example.com:9000/out");
        assertThat(params.path("outputs").path("hls").path("path").asText()).isEqualTo("/out/hls");
        assertThat(params.path("outputs").path("mp4").path("path").asText()).isEqualTo("/");
        assertThat(params.path("outputs").path("fmp4").path("path").asText()).isEqualTo("/out/fmp4");
        assertThat(params.path("targetSegmentSizeSecs").asDouble()).isEqualTo(4);
        assertThat(params.path("creatorId").asText()).isEqualTo("creator-1");
        assertThat(response.body())
                .doesNotContain("AKID")
                .doesNotContain("se/cret")
                .doesNotContain("se%2Fcret");
        assertThat(user.get("/api/task/" + task.path("id").asText()).json().path("params"))
                .isEqualTo(task.path("params"));
    }

    @Test
    void givenOnlyAnFmp4Output_whenPosted_thenItIsQueuedWithThePathNormalised() {
        var response = user.post("/api/transcode", """
                {"input": {"url": "https://example.com/in.mp4"}, "storage": %s,
                 "outputs": {"fmp4": {"path": "videos/fmp4"}}}""".formatted(STORAGE));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        var outputs = response.json().path("params").path("transcode-file").path("outputs");
        assertThat(outputs.path("fmp4").path("path").asText()).isEqualTo("/videos/fmp4");
        assertThat(outputs.has("hls")).isFalse();
        assertThat(outputs.has("mp4")).isFalse();
    }

    static Stream<Arguments> refusals() {
        String input = "\"input\": {\"url\": \"https://example.com/in.mp4\"}";
        String outputs = "\"outputs\": {\"hls\": {\"path\": \"/hls\"}}";
        String storage = "\"storage\": " + STORAGE;
        return Stream.of(
                Arguments.of(
                        "storage.type",
                        "web3.storage",
                        "{" + input + ", " + outputs + ", \"storage\": "
                                + "{\"type\": \"web3.storage\", \"credentials\": {\"proof\": \"EaJlcm9vdHOAZ3Zl\"}}}"),
                Arguments.of("storage", "s3+https://KEY:SECRET@host/bucket", "{" + input + ", " + outputs + "}"),
                Arguments.of(
                        "storage.url",
                        "credentials",
                        "{" + input + ", " + outputs
                                + ", \"storage\": {\"url\": \"s3+https://s3.example.com/bucket\"}}"),
                Arguments.of(
                        "storage.endpoint",
                        "http(s)://",
                        "{" + input + ", " + outputs + ", \"storage\": "
                                + "{\"type\": \"s3\", \"endpoint\": \"s3.example.com\", \"bucket\": \"b\", "
                                + "\"credentials\": {\"accessKeyId\": \"k\", \"secretAccessKey\": \"s\"}}}"),
                Arguments.of(
                        "storage.credentials.secretAccessKey",
                        "required",
                        "{" + input + ", " + outputs
                                + ", \"storage\": {\"type\": \"s3\", \"endpoint\": \"https://s3.example.com\", "
                                + "\"bucket\": \"b\", \"credentials\": {\"accessKeyId\": \"k\"}}}"),
                Arguments.of("input", "required", "{" + storage + ", " + outputs + "}"),
                Arguments.of(
                        "input.url",
                        "ipfs://",
                        "{\"input\": {\"url\": \"ftp://example.com/in.mp4\"}, " + storage + ", " + outputs + "}"),
                Arguments.of(
                        "input.bucket",
                        "required",
                        "{\"input\": {\"type\": \"s3\", \"endpoint\": "
                                + "\"https://s3.example.com\", \"path\": \"/in.mp4\", \"credentials\": {\"accessKeyId\": "
                                + "\"k\", \"secretAccessKey\": \"s\"}}, " + storage + ", " + outputs + "}"),
                Arguments.of(
                        "input",
                        "either url",
                        "{\"input\": {\"url\": \"https://example.com/in.mp4\", " + "\"bucket\": \"b\"}, " + storage
                                + ", " + outputs + "}"),
                Arguments.of("outputs", "at least one", "{" + input + ", " + storage + ", \"outputs\": {}}"),
                Arguments.of(
                        "outputs.fmp4.path",
                        "required",
                        "{" + input + ", " + storage + ", \"outputs\": {\"fmp4\": {}}}"),
                Arguments.of(
                        "outputs.fmp4.path",
                        "..",
                        "{" + input + ", " + storage + ", \"outputs\": {\"fmp4\": {\"path\": \"/a/../../b\"}}}"),
                Arguments.of(
                        "outputs.hls.path", "required", "{" + input + ", " + storage + ", \"outputs\": {\"hls\": {}}}"),
                Arguments.of(
                        "outputs.mp4.path",
                        "..",
                        "{" + input + ", " + storage + ", \"outputs\": {\"mp4\": {\"path\": \"/a/../../b\"}}}"),
                Arguments.of(
                        "profiles[0].bitrate",
                        "400",
                        "{" + input + ", " + storage + ", " + outputs
                                + ", \"profiles\": [{\"width\": 640, \"height\": 360, \"bitrate\": 100}]}"),
                Arguments.of(
                        "targetSegmentSizeSecs",
                        "20",
                        "{" + input + ", " + storage + ", " + outputs + ", \"targetSegmentSizeSecs\": 0}"),
                Arguments.of(
                        "creatorId",
                        "unverified",
                        "{" + input + ", " + storage + ", " + outputs
                                + ", \"creatorId\": {\"type\": \"verified\", \"value\": \"x\"}}"),
                Arguments.of(
                        "catalystPipelineStrategy",
                        "unknown field",
                        "{" + input + ", " + storage + ", " + outputs
                                + ", \"catalystPipelineStrategy\": \"catalyst\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void givenAnUnusablePayload_whenPosted_then422NamesTheField(String field, String hint, String body) {
        var response = user.post("/api/transcode", body);

        assertThat(response.status()).as(response.body()).isEqualTo(422);
        String message = response.json().path("errors").get(0).asText();
        assertThat(message).startsWith(field + ":").contains(hint);
        assertThat(message).doesNotContain("se/cret+0002");
    }

    @Test
    void givenNoApiKey_whenPosted_then401() {
        assertThat(server.anonymous().post("/api/transcode", "{}").status()).isEqualTo(401);
    }

    @Test
    void givenAUserWithAFullQueue_whenPostingOneMore_then429() {
        String body = "{\"input\": {\"url\": \"https://example.com/in.mp4\"}, \"storage\": " + STORAGE
                + ", \"outputs\": {\"hls\": {\"path\": \"/hls\"}}}";
        for (int i = 0; i < QUEUE_LIMIT; i++) {
            assertThat(user.post("/api/transcode", body).status()).isEqualTo(200);
        }

        var refused = user.post("/api/transcode", body);

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().path("errors").get(0).asText()).contains("maximum number of pending tasks");
    }
}
