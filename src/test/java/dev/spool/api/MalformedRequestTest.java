package dev.spool.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.testing.RawHttp;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests a careless or hostile client sends: a JSON body of {@code null}, {@code %u} escapes and bad
 * percent-encoding in paths, huge headers, over-long URIs. Every answer is a 4xx {@code {"errors": [...]}} in JSON,
 * never a 500 and never the HTTP layer's HTML.
 */
class MalformedRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static TestServer server;
    static RawHttp raw;
    static String admin;

    @BeforeAll
    static void start() {
        server = TestServer.start(Store.SQLITE);
        raw = new RawHttp(server.baseUrl());
        admin = server.adminKey();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static RawHttp.Answer request(String method, String path, String key, String json) {
        var headers = new java.util.LinkedHashMap<String, String>();
        if (key != null) {
            headers.put("Authorization", "Bearer " + key);
        }
        byte[] body = json == null ? new byte[0] : json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (json != null) {
            headers.put("Content-Type", "application/json");
            headers.put("Content-Length", Integer.toString(body.length));
        }
        headers.put("Connection", "close");
        return raw.send(method + " " + path + " HTTP/1.1", headers, body, false);
    }

    static JsonNode errors(RawHttp.Answer answer) {
        assertThat(answer.header("content-type"))
                .as(answer.text())
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        try {
            JsonNode errors = JSON.readTree(answer.body()).path("errors");
            assertThat(errors.isArray() && !errors.isEmpty()).as(answer.text()).isTrue();
            return errors;
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + answer.text(), e);
        }
    }

    @Test
    void givenAJsonBodyOfNull_whenSentToEveryJsonRoute_thenEachAnswers422NamingTheBody() {
        String webhookId = server.admin()
                .post(
                        "/api/webhook",
                        Map.of("name", "w", "url", "https://hooks.example.com/x", "events", List.of("task.completed")))
                .json()
                .path("id")
                .asText();
        String assetId = server.admin()
                .post("/api/asset/request-upload", Map.of("name", "a"))
                .json()
                .path("asset")
                .path("id")
                .asText();
        var routes = List.of(
                "POST /api/asset/upload/url",
                "POST /api/asset/request-upload",
                "POST /api/transcode",
                "POST /api/webhook",
                "PUT /api/webhook/" + webhookId,
                "PATCH /api/asset/" + assetId,
                "POST /api/task");
        for (String route : routes) {
            String[] parts = route.split(" ");

            var answer = request(parts[0], parts[1], admin, "null");

            assertThat(answer.status()).as(route + ": " + answer.text()).isEqualTo(422);
            assertThat(errors(answer).get(0).asText()).as(route).startsWith("body:");
        }
    }

    @Test
    void givenANullEvent_whenAWebhookIsCreatedOrReplaced_thenTheAnswerIs422NamingTheEvent() {
        String body = "{\"name\": \"w\", \"url\": \"https://hooks.example.com/x\", \"events\": [null]}";

        var created = request("POST", "/api/webhook", admin, body);

        assertThat(created.status()).as(created.text()).isEqualTo(422);
        assertThat(errors(created).get(0).asText()).startsWith("events[0]");
        String id = server.admin()
                .post(
                        "/api/webhook",
                        Map.of("name", "w", "url", "https://hooks.example.com/x", "events", List.of("task.completed")))
                .json()
                .path("id")
                .asText();

        var replaced = request("PUT", "/api/webhook/" + id, admin, body);

        assertThat(replaced.status()).as(replaced.text()).isEqualTo(422);
        assertThat(errors(replaced).get(0).asText()).startsWith("events[0]");
    }

    @Test
    void givenAPercentUEscapeInAPath_whenRequestedWithAKey_thenTheAnswerIs400() {
        for (String path : List.of(
                "/api/task/%u0041",
                "/api/asset/%u0041", "/api/webhook/%u0041/log", "/asset/0123456789abcdef/%u0076ideo")) {
            var answer = request("GET", path, admin, null);

            assertThat(answer.status()).as(path + ": " + answer.text()).isEqualTo(400);
            errors(answer);
        }
    }

    @Test
    void givenAPercentUEscapeInAPath_whenRequestedWithoutAKey_thenAKeyedRouteAnswers401AndAPublicOne400() {
        var keyed = request("GET", "/api/task/%u0041", null, null);

        assertThat(keyed.status()).as(keyed.text()).isEqualTo(401);
        errors(keyed);

        for (String path : List.of("/asset/0123456789abcdef/%u0076ideo", "/%u0041")) {
            var open = request("GET", path, null, null);

            assertThat(open.status()).as(path + ": " + open.text()).isEqualTo(400);
            errors(open);
        }
    }

    @Test
    void givenBadPercentEncoding_whenRequested_thenTheAnswerIsA400JsonError() {
        for (String path : List.of("/api/task/%zz", "/api/task/%", "/asset/%E0%A4%A/video")) {
            var answer = request("GET", path, admin, null);

            assertThat(answer.status()).as(path + ": " + answer.text()).isEqualTo(400);
            errors(answer);
        }
    }

    @Test
    void givenAHugeAuthorizationHeader_whenRequested_thenTheAnswerIs431InJsonAndSaysItCloses() {
        var answer = raw.send(
                "GET /api/task HTTP/1.1",
                Map.of("Authorization", "Bearer " + "k".repeat(64 * 1024)),
                new byte[0],
                false);

        assertThat(answer.status()).isEqualTo(431);
        errors(answer);
        assertThat(answer.header("connection")).contains("close");
    }

    @Test
    void givenAnOverlongUri_whenRequested_thenTheAnswerIs414InJsonAndSaysItCloses() {
        var answer = raw.send("GET /api/task/" + "a".repeat(64 * 1024) + " HTTP/1.1", Map.of(), new byte[0], false);

        assertThat(answer.status()).isEqualTo(414);
        errors(answer);
        assertThat(answer.header("connection")).contains("close");
    }

    @Test
    void givenAMalformedRequestLine_whenSent_thenTheAnswerIs400InJson() {
        var answer = raw.send("GET /api/task HTTP/1.1 junk", Map.of(), new byte[0], false);

        assertThat(answer.status()).isEqualTo(400);
        errors(answer);
    }

    @Test
    void givenBadPercentEncodingInTheQuery_whenAListIsRequested_thenTheAnswerIs400NotAList() {
        var answer = request("GET", "/api/task?cursor=%ZZ", admin, null);

        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        assertThat(errors(answer).get(0).asText()).startsWith("query: ");
    }

    @Test
    void givenAJsonBodyThatEndsBeforeItsContentLength_whenSent_thenTheAnswerIs400NamingTheBody() {
        byte[] body =
                "{\"name\":\"x\",\"url\":\"https://example.com/h\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var headers = Map.of(
                "Authorization",
                "Bearer " + admin,
                "Content-Type",
                "application/json",
                "Content-Length",
                Integer.toString(body.length + 4000));

        var answer = raw.send("POST /api/webhook HTTP/1.1", headers, body, true);

        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        assertThat(errors(answer).get(0).asText()).startsWith("body: ");
    }

    @Test
    void givenAPatchWithABodyOnABrokenPath_whenRequested_thenJettysRefusalIsJsonToo() {
        var answer = request("PATCH", "/api/asset/%C3%28", admin, "{}");

        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        errors(answer);
    }
}
