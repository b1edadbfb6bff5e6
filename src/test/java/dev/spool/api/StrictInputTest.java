package dev.spool.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.ApiClient;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Input the documented schema forbids is refused with 422 naming the field: no coercion between strings, numbers
 * and booleans, no fractions where an integer is documented, no null where the schema has none, no unknown fields,
 * no duplicate keys, no endless strings.
 */
class StrictInputTest {
    static TestServer server;
    static ApiClient alice;
    static ApiClient admin;

    @BeforeAll
    static void start() {
        server = TestServer.start(Store.SQLITE);
        alice = server.client(server.createUserKey("alice@example.com").key());
        admin = server.admin();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static void assertRefused(ApiClient.Response response, String messageStart) {
        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(response.json().path("errors").get(0).asText())
                .as(response.body())
                .startsWith(messageStart);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"name\": true}                                  | name: must be a string",
                "{\"name\": 5}                                     | name: must be a string",
                "{\"name\": \"a\", \"staticMp4\": \"true\"}        | staticMp4: must be a boolean",
                "{\"name\": \"a\", \"staticMp4\": 1}               | staticMp4: must be a boolean",
                "{\"name\": \"a\", \"targetSegmentSizeSecs\": \"4\"} | targetSegmentSizeSecs: must be a number",
                "{\"name\": \"a\", \"profiles\": [{\"name\": \"p\", \"width\": 640, \"height\": 360, \"bitrate\": 500000, \"fps\": 1.5}]} | profiles[0].fps: must be an integer",
                "{\"name\": \"a\", \"profiles\": [{\"name\": \"p\", \"width\": \"640\", \"height\": 360, \"bitrate\": 500000}]} | profiles[0].width: must be an integer",
                "{\"name\": \"a\", \"creatorId\": null}            | creatorId: must not be null",
                "{\"name\": \"a\", \"storage\": null}              | storage: must not be null",
                "{\"name\": null}                                  | name: must not be null",
                "{\"name\": \"a\", \"playbackPolicy\": {\"type\": \"public\", \"extra\": 1}} | playbackPolicy.extra: unknown field",
                "{\"name\": \"a\", \"playbackPolicy\": \"public\"} | playbackPolicy: must be an object",
                "{\"name\": \"a\", \"name\": \"b\"}                | body: is not valid JSON",
            })
    void givenInputTheSchemaForbids_whenAnUploadIsRequested_thenItIs422NamingTheField(String body, String message) {
        assertRefused(alice.post("/api/asset/request-upload", body), message);
    }

    @Test
    void givenTheNullsTheSchemaAllows_whenAnUploadIsRequested_thenTheyMeanAbsent() {
        var created = alice.post(
                "/api/asset/request-upload", "{\"name\": \"nulls\", \"playbackPolicy\": null, \"profiles\": null}");

        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.json().path("asset").has("playbackPolicy")).isFalse();
    }

    @Test
    void givenAWebhookPayloadWithWrongTypes_whenCreated_thenItIs422NamingTheField() {
        assertRefused(
                alice.post(
                        "/api/webhook",
                        "{\"name\": 1, \"url\": \"https://hooks.example.com/a\", "
                                + "\"events\": [\"task.completed\"]}"),
                "name: must be a string");
        assertRefused(
                alice.post(
                        "/api/webhook",
                        "{\"name\": \"w\", \"url\": \"https://hooks.example.com/a\", "
                                + "\"events\": \"task.completed\"}"),
                "events: must be an array");
    }

    @Test
    void givenAContentTypeThatOnlyStartsLikeJson_whenPosted_thenItIs415() {
        var response = alice.send("POST", "/api/asset/request-upload", "application/jsonx", "{\"name\": \"a\"}");

        assertThat(response.status()).as(response.body()).isEqualTo(415);
        assertThat(alice.send(
                                "POST",
                                "/api/asset/request-upload",
                                "application/json; charset=utf-8",
                                "{\"name\": \"a\"}")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void givenOverlongStrings_whenPosted_thenTheyAre422NamingTheLimit() {
        String endless = "n".repeat(100_000);

        assertRefused(alice.post("/api/asset/request-upload", Map.of("name", endless)), "name: is longer than");
        assertRefused(
                alice.post("/api/asset/upload/url", Map.of("name", "a", "url", "https://example.com/" + endless)),
                "url: is longer than");
        assertRefused(
                alice.post(
                        "/api/webhook",
                        Map.of(
                                "name",
                                endless,
                                "url",
                                "https://hooks.example.com/a",
                                "events",
                                java.util.List.of("task.completed"))),
                "name: is longer than");
        var created =
                alice.post("/api/asset/request-upload", Map.of("name", "a")).json();
        assertRefused(
                alice.patch("/api/asset/" + created.path("asset").path("id").asText(), Map.of("name", endless)),
                "name: is longer than");
    }

    @Test
    void givenAnEmptyOutputPath_whenATranscodeIsCreated_thenItIs422() {
        assertRefused(alice.post("/api/transcode", """
                {"input": {"url": "https://example.com/v.mp4"},
                 "storage": {"type": "s3", "endpoint": "https://s3.example.com", "bucket": "b",
                             "credentials": {"accessKeyId": "a", "secretAccessKey": "s"}},
                 "outputs": {"hls": {"path": ""}}}"""), "outputs.hls.path: must not be empty");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"''", "../../etc/passwd", "file:///etc/passwd", "/etc/passwd", "gopher://x/y"})
    void givenAnAdminTaskWithABadUploadUrl_whenCreated_thenItIs422NamingTheUrl(String url) {
        var response =
                admin.post("/api/task", Map.of("type", "upload", "params", Map.of("upload", Map.of("url", url))));

        assertRefused(response, "params.upload.url:");
    }
}
