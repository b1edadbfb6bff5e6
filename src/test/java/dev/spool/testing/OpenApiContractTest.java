package dev.spool.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The contract check itself: it must let a documented response through and stop every kind of undocumented one. */
class OpenApiContractTest {
    private static final String TASK = """
            {"id": "t1", "type": "upload", "createdAt": 1700000000000, "scheduledAt": 1700000000000,
             "projectId": "p1",
             "params": {"upload": {"url": "https://cdn.example.com/in.mp4",
                                   "profiles": [{"name": "720p", "bitrate": 3000000, "gop": "2"}]}},
             "status": {"phase": "waiting", "updatedAt": 1700000000000, "retries": 0}}""";

    private final OpenApiContract contract = OpenApiContract.instance();

    @Test
    void givenADocumentedTask_whenChecked_thenItPasses() {
        assertThatCode(() -> contract.check(json("GET", "/api/task/t1", 200, TASK)))
                .doesNotThrowAnyException();
        assertThatCode(() -> contract.check(json("GET", "/api/task", 200, "[" + TASK + "]")))
                .doesNotThrowAnyException();
    }

    @Test
    void givenAFieldTheTaskSchemaDoesNotHave_whenChecked_thenItFailsNamingIt() {
        String body = TASK.replace("\"projectId\": \"p1\",", "\"projectId\": \"p1\", \"colour\": \"red\",");

        assertThatThrownBy(() -> contract.check(json("GET", "/api/task/t1", 200, body)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("colour");
    }

    @Test
    void givenAGopWrittenAsANumber_whenChecked_thenItFails() {
        String body = TASK.replace("\"gop\": \"2\"", "\"gop\": 2");

        assertThatThrownBy(() -> contract.check(json("GET", "/api/task/t1", 200, body)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("gop");
    }

    @Test
    void givenANullAnywhereInTheBody_whenChecked_thenItFails() {
        String body = TASK.replace("\"projectId\": \"p1\"", "\"projectId\": null");

        assertThatThrownBy(() -> contract.check(json("GET", "/api/task/t1", 200, body)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("null at $.projectId");
    }

    @Test
    void givenAStatusTheOperationDoesNotDocument_whenChecked_thenItFails() {
        var response = json("GET", "/api/task/t1", 500, "{\"errors\": [\"Internal server error: Boom\"]}");

        assertThatThrownBy(() -> contract.check(response))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("status 500 of GET /api/task/{taskId}");
    }

    @Test
    void givenJsonServedWithAnotherContentType_whenChecked_thenItFails() {
        var response = new ApiClient.Response(
                "GET", URI.create("http://localhost/api/task/t1"), 200, headers("text/plain"), TASK);

        assertThatThrownBy(() -> contract.check(response))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Content-Type: application/json");
    }

    @Test
    void givenAnUnknownRoute_whenAnsweredWithAnythingButNotFound_thenItFails() {
        assertThatCode(() -> contract.check(json("GET", "/api/nothing", 404, "{\"errors\": [\"not found\"]}")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> contract.check(json("GET", "/api/nothing", 200, "{}")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("should be 404");
    }

    @Test
    void givenAnErrorWithoutMessages_whenChecked_thenItFails() {
        assertThatThrownBy(() -> contract.check(json("GET", "/api/task/t1", 404, "{\"errors\": []}")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("errors");
    }

    private static ApiClient.Response json(String method, String path, int status, String body) {
        return new ApiClient.Response(
                method, URI.create("http://localhost" + path), status, headers("application/json"), body);
    }

    private static HttpHeaders headers(String contentType) {
        return HttpHeaders.of(Map.of("Content-Type", List.of(contentType)), (name, value) -> true);
    }
}
