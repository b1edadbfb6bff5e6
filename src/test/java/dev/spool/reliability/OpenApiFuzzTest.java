package dev.spool.reliability;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.testing.ApiClient;
import dev.spool.testing.BothStores;
import dev.spool.testing.OpenApiContract;
import dev.spool.testing.RawHttp;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/**
 * Requests generated from Spool's own OpenAPI document ({@link FuzzRequests}) against a real server on each store:
 * every one must be answered, within the client's timeout, with a 4xx whose body is {@code {"errors": [...]}} as
 * JSON, or a 2xx/3xx the document describes ({@link OpenApiContract}); never a 5xx. The run is fixed by its seed
 * ({@code -Dspool.fuzz.seed}, printed at the start); {@code -Dspool.fuzz.requests} sets the number of requests per
 * store. A failure lists each offending request as it went on the wire.
 */
@BothStores
class OpenApiFuzzTest {
    private static final long SEED = Long.getLong("spool.fuzz.seed", 20_261_202L);
    private static final int REQUESTS = Integer.getInteger("spool.fuzz.requests", 3000);
    private static final int TIMEOUT_MILLIS = 15_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final SharedServers servers = new SharedServers(Map.of(
            "SPOOL_WEBHOOK_ALLOW_PRIVATE", "true",
            "SPOOL_MAX_UNFINISHED_TASKS_PER_USER", "1000000"));

    @Parameter
    Store store;

    private record Failure(int index, String problem, FuzzRequests.Generated generated, int status, String answer) {
        String describe() {
            return "#" + index + ": " + problem + "\n" + generated.request().reproducer() + "  -> " + answer;
        }

        /** Failures of one kind are listed once: client errors by status, the others by operation. */
        String kind() {
            return problem.startsWith("a client error")
                    ? problem + " (" + status + ")"
                    : problem.lines().findFirst().orElse("") + " on " + generated.operationName();
        }
    }

    @Test
    void everyGeneratedRequestIsAnsweredWithAJsonClientErrorOrADocumentedSuccessNeverAServerErrorOrAHang() {
        TestServer server = servers.on(store);
        var user = server.createUserKey("fuzz-" + UUID.randomUUID() + "@example.com");
        var requests = new FuzzRequests(OpenApiContract.instance().document(), user.key(), server.adminKey());
        seedObjects(server, user, requests);
        var http = new RawHttp(server.baseUrl(), TIMEOUT_MILLIS);
        System.out.printf(
                "OpenApiFuzzTest on %s: seed %d, %d requests over %d operations%n",
                store, SEED, REQUESTS, requests.operations().size());

        var failures = new ArrayList<Failure>();
        var statuses = new TreeMap<Integer, Integer>();
        for (int n = 0; n < REQUESTS; n++) {
            int i = n;
            var random = new Random(SEED * 1_000_003L + i);
            FuzzRequests.Generated generated = requests.next(random);
            FuzzRequest request = generated.request();
            try {
                RawHttp.Answer response = request.send(http);
                statuses.merge(response.status(), 1, Integer::sum);
                problem(request, response)
                        .ifPresent(problem -> failures.add(new Failure(
                                i,
                                problem,
                                generated,
                                response.status(),
                                response.status() + " "
                                        + response.header("Content-Type").orElse("") + " "
                                        + FuzzRequest.abbreviate(response.text(), 200))));
                remember(request, response, requests);
            } catch (RawHttp.NoAnswer e) {
                failures.add(
                        new Failure(i, "no answer (hang or dropped connection): " + e.getMessage(), generated, 0, "-"));
            }
        }
        System.out.printf("OpenApiFuzzTest on %s: statuses %s, %d failures%n", store, statuses, failures.size());

        if (!failures.isEmpty()) {
            fail("seed " + SEED + " on " + store + ": " + failures.size() + " of " + REQUESTS
                    + " requests answered wrongly:\n"
                    + failures.stream()
                            .collect(Collectors.groupingBy(Failure::kind, TreeMap::new, Collectors.toList()))
                            .entrySet()
                            .stream()
                            .map(kind -> kind.getValue().size() + " x " + kind.getKey() + ", e.g.\n"
                                    + kind.getValue().getFirst().describe())
                            .collect(Collectors.joining("\n")));
        }
    }

    /** One object of each kind the caller owns, so generated paths hit real ids as well as unknown ones. */
    private static void seedObjects(TestServer server, TestServer.UserKey user, FuzzRequests requests) {
        ApiClient client = server.client(user.key());
        var upload = client.post("/api/asset/request-upload", Map.of("name", "fuzzed"))
                .json();
        rememberIds(upload, requests);
        var webhook = client.post(
                        "/api/webhook",
                        Map.of("name", "fuzzed", "url", "http://127.0.0.1:9/hook", "events", List.of("task.spawned")))
                .json();
        requests.remember("id", webhook.path("id").asText());
        var task = server.admin()
                .post(
                        "/api/task",
                        Map.of(
                                "type",
                                "export-data",
                                "userId",
                                user.userId(),
                                "params",
                                Map.of("exportData", Map.of("content", Map.of("a", 1)))))
                .json();
        requests.remember("taskId", task.path("id").asText());
    }

    /** Ids of the caller's objects in a successful answer become path parameters of later requests. */
    private static void remember(FuzzRequest request, RawHttp.Answer response, FuzzRequests requests) {
        if (response.status() / 100 != 2) {
            return;
        }
        response.header("Location")
                .ifPresent(
                        location -> requests.remember("uploadId", location.substring(location.lastIndexOf('/') + 1)));
        if (!response.header("Content-Type").orElse("").startsWith("application/json")) {
            return;
        }
        try {
            JsonNode body = JSON.readTree(response.text());
            String path = request.target();
            for (JsonNode item : body.isArray() ? body : List.of(body)) {
                if (path.startsWith("/api/webhook/") && path.contains("/log")) {
                    requests.remember("logId", item.path("id").asText());
                } else if (path.startsWith("/api/webhook")) {
                    requests.remember("id", item.path("id").asText());
                } else if (path.startsWith("/api/task")) {
                    requests.remember("taskId", item.path("id").asText());
                } else {
                    rememberIds(item, requests);
                }
            }
        } catch (Exception e) {
            // Not a body the contract check accepted, and already reported as such.
        }
    }

    private static void rememberIds(JsonNode body, FuzzRequests requests) {
        JsonNode asset = body.has("asset") ? body.path("asset") : body;
        requests.remember("assetId", asset.path("id").asText());
        requests.remember("playbackId", asset.path("playbackId").asText());
        requests.remember("taskId", body.path("task").path("id").asText());
        for (String url :
                List.of(body.path("url").asText(), body.path("tusEndpoint").asText())) {
            int token = url.indexOf("token=");
            if (token >= 0) {
                requests.remember(
                        "token", url.substring(token + "token=".length()).split("&")[0]);
            }
        }
    }

    private static Optional<String> problem(FuzzRequest request, RawHttp.Answer response) {
        int status = response.status();
        if (status >= 500) {
            return Optional.of("server error " + status);
        }
        if (request.method().equals("HEAD") || request.method().equals("OPTIONS") || status == 204 || status == 304) {
            return Optional.empty();
        }
        if (status >= 400) {
            return errorBody(response);
        }
        if (BROKEN_ESCAPE.matcher(request.target()).find()) {
            return Optional.of("a success for a target whose percent-encoding is broken");
        }
        // Characters such as { } " [ ] are sent unescaped by many clients and mean one thing only: accepted as sent.
        URI uri = URI.create("http://127.0.0.1" + escapeUnsafe(request.target()));
        var headers = HttpHeaders.of(
                response.headers().entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))),
                (name, value) -> true);
        try {
            OpenApiContract.instance()
                    .check(new ApiClient.Response(request.method(), uri, status, headers, response.text()));
            return Optional.empty();
        } catch (AssertionError e) {
            return Optional.of("a success the document does not describe: "
                    + e.getMessage()
                            .lines()
                            .takeWhile(line -> !line.startsWith("  on "))
                            .collect(Collectors.joining("\n")));
        }
    }

    private static final java.util.regex.Pattern BROKEN_ESCAPE = java.util.regex.Pattern.compile("%(?![0-9A-Fa-f]{2})");

    private static String escapeUnsafe(String target) {
        var escaped = new StringBuilder();
        for (byte b : target.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean safe = c > 0x20 && c < 0x7f && "{}\"[]|\\^`<> ".indexOf(c) < 0;
            escaped.append(safe ? String.valueOf((char) c) : String.format("%%%02X", c));
        }
        return escaped.toString();
    }

    private static Optional<String> errorBody(RawHttp.Answer response) {
        if (!response.header("Content-Type").orElse("").startsWith("application/json")) {
            return Optional.of("a client error that is not JSON");
        }
        try {
            JsonNode body = JSON.readTree(response.text());
            JsonNode errors = body.path("errors");
            boolean wellFormed = body.isObject() && body.size() == 1 && errors.isArray() && !errors.isEmpty();
            for (JsonNode error : errors) {
                wellFormed &= error.isTextual();
            }
            return wellFormed ? Optional.empty() : Optional.of("a client error whose body is not {\"errors\": [...]}");
        } catch (Exception e) {
            return Optional.of("a client error whose JSON does not parse");
        }
    }
}
