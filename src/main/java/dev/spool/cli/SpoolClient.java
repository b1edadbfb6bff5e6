package dev.spool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.json.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.stream.Stream;

/** Spool's API as the CLI uses it, over {@link HttpClient}; any answer but a success is a {@link CliException}. */
final class SpoolClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String baseUrl;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    SpoolClient(String baseUrl, String apiKey) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.apiKey = apiKey;
    }

    String baseUrl() {
        return baseUrl;
    }

    JsonNode get(String path) {
        return Json.tree(send(request(path).GET().build()).body());
    }

    JsonNode post(String path, Object body) {
        return Json.tree(send(request(path)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                        .build())
                .body());
    }

    /** Creates a tus upload of {@code length} bytes at the endpoint {@code request-upload} handed out. */
    String createTusUpload(String tusEndpoint, long length, String filename) {
        var response = send(HttpRequest.newBuilder(URI.create(tusEndpoint))
                .timeout(TIMEOUT)
                .header("Tus-Resumable", "1.0.0")
                .header("Upload-Length", Long.toString(length))
                .header(
                        "Upload-Metadata",
                        "filename "
                                + java.util.Base64.getEncoder()
                                        .encodeToString(filename.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
        return response.headers()
                .firstValue("Location")
                .orElseThrow(() -> new CliException("the server created the upload but sent no Location"));
    }

    /** The server's offset of a tus upload; empty when the upload is gone (expired, or its asset deleted). */
    java.util.OptionalLong tusOffset(String uploadUrl) {
        var response = exchange(
                HttpRequest.newBuilder(URI.create(uploadUrl))
                        .timeout(TIMEOUT)
                        .header("Tus-Resumable", "1.0.0")
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() != 200) {
            return java.util.OptionalLong.empty();
        }
        return response.headers().firstValueAsLong("Upload-Offset");
    }

    /** Sends {@code length} bytes at {@code offset}; answers the server's new offset. */
    long tusPatch(String uploadUrl, long offset, long length, Iterable<byte[]> body) {
        var response = send(HttpRequest.newBuilder(URI.create(uploadUrl))
                .header("Tus-Resumable", "1.0.0")
                .header("Upload-Offset", Long.toString(offset))
                .header("Content-Type", "application/offset+octet-stream")
                .method(
                        "PATCH",
                        HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArrays(body), length))
                .build());
        return response.headers()
                .firstValueAsLong("Upload-Offset")
                .orElseThrow(() -> new CliException("the server accepted bytes but sent no Upload-Offset"));
    }

    /** The lines of a server-sent event stream, as they arrive. */
    Stream<String> events(String path) {
        var response = exchange(
                request(path).header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            throw failure(
                    response.statusCode(), String.join("\n", response.body().toList()));
        }
        return response.body();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + apiKey);
    }

    private HttpResponse<String> send(HttpRequest request) {
        var response = exchange(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw failure(response.statusCode(), response.body());
        }
        return response;
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (ConnectException e) {
            throw new CliException("cannot reach Spool at " + baseUrl + " (is it running? see --url)");
        } catch (IOException e) {
            throw new CliException(request.method() + " " + request.uri().getPath() + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", 130);
        }
    }

    /** The server's own words ({@code {"errors": [...]}}) when it sent them, else the status. */
    private static CliException failure(int status, String body) {
        String message = "HTTP " + status;
        try {
            var errors = Json.tree(body).path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                message = errors.get(0).asText() + " (HTTP " + status + ")";
            }
        } catch (RuntimeException e) {
            // Not JSON: the status says enough.
        }
        return new CliException(message, status == 401 || status == 403 ? 3 : 1);
    }
}
