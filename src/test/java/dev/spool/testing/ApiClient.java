package dev.spool.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * A small HTTP client for tests. Every response it receives is held to Spool's OpenAPI document
 * ({@link OpenApiContract}): a response the document does not describe fails the test where it was received.
 * Bodies given as a {@code String} are sent as they are (so tests can write JSON literally, even malformed);
 * any other object is serialised with Jackson.
 */
public final class ApiClient {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String apiKey;

    /** {@code apiKey} may be null: requests then carry no Authorization header. */
    public ApiClient(String baseUrl, String apiKey) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
    }

    /** What came back, with the request it answers. */
    public record Response(String method, URI uri, int status, HttpHeaders headers, String body) {
        /** The body as JSON; the contract check has already made sure it parses. */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (JsonProcessingException e) {
                throw new AssertionError("not JSON: " + method + " " + uri + " -> " + status + ": " + body, e);
            }
        }

        public Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        public String contentType() {
            return header("Content-Type").orElse("");
        }
    }

    public Response get(String path) {
        return send("GET", path, null, null);
    }

    public Response delete(String path) {
        return send("DELETE", path, null, null);
    }

    public Response post(String path) {
        return send("POST", path, null, null);
    }

    public Response post(String path, Object json) {
        return send("POST", path, "application/json", asJson(json));
    }

    public Response put(String path, Object json) {
        return send("PUT", path, "application/json", asJson(json));
    }

    public Response patch(String path, Object json) {
        return send("PATCH", path, "application/json", asJson(json));
    }

    /**
     * Any request: {@code path} is relative to the server ({@code /api/task}) or absolute (a {@code Link} header's
     * URL); {@code contentType} and {@code body} may be null.
     */
    public Response send(String method, String path, String contentType, String body) {
        URI uri = URI.create(path.startsWith("http") ? path : baseUrl + path);
        var request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        HttpResponse<String> answer;
        try {
            answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new UncheckedIOException(method + " " + uri + " failed", e);
        } catch (IOException e) {
            // Connected but unanswered: where the server's handler waited is what explains it.
            throw new UncheckedIOException(method + " " + uri + " failed" + ThreadDump.written(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method + " " + uri, e);
        }
        var response = new Response(method, uri, answer.statusCode(), answer.headers(), answer.body());
        OpenApiContract.instance().check(response);
        return response;
    }

    private static String asJson(Object value) {
        if (value instanceof String text) {
            return text;
        }
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise " + value, e);
        }
    }
}
