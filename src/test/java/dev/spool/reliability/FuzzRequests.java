package dev.spool.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/**
 * Requests generated from Spool's OpenAPI document: every documented operation, its path, query and header
 * parameters and its request body, filled with valid values (real ids of the caller's objects among them) and with
 * the odd values clients send. What a request gets depends only on the {@link Random} it is given and the ids seen
 * so far, so a seed replays the same run.
 */
final class FuzzRequests {
    private static final List<String> ODD_SEGMENTS = List.of(
            "0",
            "-1",
            "%u0041",
            "%00",
            "%ZZ",
            "%",
            "%2e%2e",
            "..",
            "a".repeat(3000),
            "%F0%9F%8E%A5",
            "null",
            "%20",
            "x;y",
            "x%2Fy",
            "%C3%28",
            "~",
            "*",
            "%252F");
    private static final List<String> MEDIA_PATHS = List.of(
            "video",
            "index.m3u8",
            "360p0/index.m3u8",
            "360p0/0.ts",
            "static360p0.mp4",
            "..%2F..%2Fetc%2Fpasswd",
            "%u0076ideo",
            "thumbnails/thumbnails.vtt",
            "a/../../b");
    private static final Map<String, List<String>> QUERY_VALUES = Map.of(
            "limit", List.of("1", "20", "1000", "0", "-1", "1001", "abc", "", "1.5", "99999999999999999999"),
            "cursor", List.of("abc", "", "eyJ9", "x".repeat(2000), "MTIzNDU2Nzg5MA==", "%ZZ", "null"),
            "order",
                    List.of(
                            "createdAt-true",
                            "createdAt-false",
                            "name-true",
                            "updatedAt-false",
                            "id",
                            "x-y",
                            "",
                            "-true",
                            "createdAt-maybe"),
            "count", List.of("1", "true", "0", "false", "yes", ""),
            "details", List.of("1", "true", "0", "false", "yes", ""),
            "allUsers", List.of("1", "true", "0", "false", "yes", ""));
    private static final List<String> FILTERS = List.of(
            "[]",
            "{}",
            "null",
            "[null]",
            "[{\"id\":1}]",
            "garbage",
            "[",
            "[{\"id\":\"createdAt\",\"value\":{\"gt\":\"x\"}}]",
            "[{\"id\":\"createdAt\",\"value\":{\"zz\":1}}]",
            "[{\"id\":\"createdAt\",\"value\":1e400}]",
            "[{\"id\":\"nosuch\",\"value\":\"x\"}]",
            "[{\"id\":\"phase\",\"value\":[\"a\"]}]",
            "[{\"id\":\"statusCode\",\"value\":{\"lte\":\"x\"}}]");
    private static final List<String> FILTER_FIELDS = List.of(
            "id",
            "type",
            "phase",
            "name",
            "playbackId",
            "inputAssetId",
            "outputAssetId",
            "createdAt",
            "updatedAt",
            "url",
            "event",
            "statusCode",
            "sourceUrl");
    private static final Map<String, List<String>> HEADER_VALUES = Map.of(
            "Tus-Resumable", List.of("1.0.0", "1.0.0", "0.2.2", "", "1.0.0, 1.0.0"),
            "Upload-Length", List.of("0", "100", "1000", "-1", "abc", "99999999999999999999", "9223372036854775807"),
            "Upload-Offset", List.of("0", "0", "10", "-1", "abc", "100", "99999999999999999999"),
            "Upload-Metadata", List.of("filename ZmlsZS5tcDQ=", "garbage", "filename !!!", ""),
            "Range",
                    List.of(
                            "bytes=0-99",
                            "bytes=100-",
                            "bytes=-50",
                            "bytes=0-1,5-9",
                            "bytes=x-y",
                            "items=0-1",
                            "bytes=99999999-",
                            "bytes=5-1",
                            "bytes=0-99999999999999999999"),
            "If-None-Match", List.of("*", "\"abc\"", "W/\"x\"", ""),
            "Last-Event-ID", List.of("0", "5", "-1", "abc", "99999999999999999999"));
    private static final List<String> ODD_CONTENT_TYPES = List.of(
            "text/plain",
            "application/jsonx",
            "application/json; charset=utf-16",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/octet-stream",
            "application/json;charset=latin1",
            "*/*",
            "");
    private static final List<String> OTHER_METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

    /** One operation of the document: a method on a path template, its parameters and body media type. */
    record Operation(
            String method,
            String template,
            List<JsonNode> parameters,
            String bodyType,
            JsonNode bodySchema,
            boolean secured) {}

    private final List<Operation> operations;
    private final SchemaValues values;
    private final BodyMutations mutations = new BodyMutations();
    private final Map<String, List<String>> known = new HashMap<>();
    private final String userKey;
    private final String adminKey;

    FuzzRequests(JsonNode document, String userKey, String adminKey) {
        this.values = new SchemaValues(document);
        this.operations = operations(document, values);
        this.userKey = userKey;
        this.adminKey = adminKey;
    }

    List<Operation> operations() {
        return operations;
    }

    /** Remembers an id of the caller's objects, as a path or query parameter of this name takes it. */
    void remember(String parameter, String id) {
        if (id == null || id.isEmpty()) {
            return;
        }
        var ids = known.computeIfAbsent(parameter, p -> new ArrayList<>());
        if (!ids.contains(id)) {
            if (ids.size() >= 40) {
                ids.remove(0);
            }
            ids.add(id);
        }
    }

    /** A request and the operation of the document it was generated from. */
    record Generated(Operation operation, FuzzRequest request) {
        String operationName() {
            return operation.method() + " " + operation.template();
        }
    }

    Generated next(Random random) {
        Operation operation = operations.get(random.nextInt(operations.size()));
        String method =
                random.nextInt(100) < 3 ? OTHER_METHODS.get(random.nextInt(OTHER_METHODS.size())) : operation.method();
        var path = new StringBuilder();
        for (String segment : operation.template().split("/", -1)) {
            if (!path.isEmpty() || !segment.isEmpty()) {
                path.append('/');
            }
            path.append(segment.startsWith("{") ? pathValue(operation.template(), segment, random) : segment);
        }
        var headers = new LinkedHashMap<String, String>();
        var query = new ArrayList<String>();
        for (JsonNode parameter : operation.parameters()) {
            String name = parameter.path("name").asText();
            boolean required = parameter.path("required").asBoolean(false);
            if (random.nextInt(100) >= (required ? 92 : 55)) {
                continue;
            }
            switch (parameter.path("in").asText()) {
                case "query" -> query.add(name + "=" + encode(queryValue(name, random), random));
                case "header" -> headers.put(name, pick(HEADER_VALUES.getOrDefault(name, List.of("x")), random));
                default -> {}
            }
        }
        if (random.nextInt(100) < 3) {
            query.add("unknown=" + encode("value", random));
        }
        if (random.nextInt(100) < 2) {
            query.add("long=" + "q".repeat(20_000 + random.nextInt(50_000)));
        }
        String target = path + (query.isEmpty() ? "" : "?" + String.join("&", query));
        authorization(random).ifPresent(value -> headers.put("Authorization", value));
        byte[] body = new byte[0];
        if (operation.bodyType() != null && operation.method().equals(method)) {
            if (operation.bodyType().equals("application/json")) {
                body = mutations
                        .mutate(values.generate(operation.bodySchema(), "body", random), random)
                        .getBytes(StandardCharsets.UTF_8);
            } else {
                body = new byte[random.nextInt(3000)];
                random.nextBytes(body);
            }
            headers.put(
                    "Content-Type", random.nextInt(100) < 82 ? operation.bodyType() : pick(ODD_CONTENT_TYPES, random));
        } else if (random.nextInt(100) < 4) {
            body = "{\"unexpected\":\"body\"}".getBytes(StandardCharsets.UTF_8);
            headers.put("Content-Type", "application/json");
        }
        long declared = body.length + (random.nextInt(100) < 4 ? 1 + random.nextInt(5000) : 0);
        return new Generated(operation, new FuzzRequest(method, target, headers, body, declared));
    }

    private Optional<String> authorization(Random random) {
        int roll = random.nextInt(100);
        if (roll < 72) {
            return Optional.of("Bearer " + userKey);
        }
        if (roll < 84) {
            return Optional.of("Bearer " + adminKey);
        }
        if (roll < 90) {
            return Optional.empty();
        }
        return Optional.of(pick(
                List.of(
                        "Bearer " + UUID.randomUUID(),
                        "Bearer ",
                        "Basic dXNlcjpwYXNz",
                        userKey,
                        "Bearer " + userKey + "x",
                        "bearer " + userKey,
                        "Bearer " + "k".repeat(70_000),
                        "Bearer %u0041"),
                random));
    }

    private String pathValue(String template, String segment, Random random) {
        String name = segment.substring(1, segment.length() - 1);
        if (name.equals("path")) {
            return random.nextInt(100) < 85 ? pick(MEDIA_PATHS, random) : pick(ODD_SEGMENTS, random);
        }
        String pool = template.startsWith("/api/playback/") || template.startsWith("/asset/") ? "playbackId" : name;
        var ids = known.getOrDefault(pool, List.of());
        int roll = random.nextInt(100);
        if (!ids.isEmpty() && roll < 70) {
            return ids.get(random.nextInt(ids.size()));
        }
        return roll < 85 ? new UUID(random.nextLong(), random.nextLong()).toString() : pick(ODD_SEGMENTS, random);
    }

    private String queryValue(String name, Random random) {
        if (name.equals("filters")) {
            return random.nextInt(100) < 60 ? validFilter(random) : pick(FILTERS, random);
        }
        if (name.equals("token")) {
            var tokens = known.getOrDefault("token", List.of());
            return !tokens.isEmpty() && random.nextInt(100) < 75
                    ? pick(tokens, random)
                    : pick(List.of("", "abc", "x".repeat(500), UUID.randomUUID().toString()), random);
        }
        return pick(QUERY_VALUES.getOrDefault(name, List.of("1", "x", "")), random);
    }

    private static String validFilter(Random random) {
        String field = pick(FILTER_FIELDS, random);
        String value = switch (random.nextInt(4)) {
            case 0 -> "\"" + pick(List.of("ready", "waiting", "upload", "abc", "%"), random) + "\"";
            case 1 -> Long.toString(random.nextLong(0, 2_000_000_000_000L));
            case 2 ->
                "{\"" + pick(List.of("gt", "gte", "lt", "lte", "eq"), random) + "\":"
                        + random.nextLong(0, 2_000_000_000_000L) + "}";
            default -> "true";
        };
        return "[{\"id\":\"" + field + "\",\"value\":" + value + "}]";
    }

    private static String encode(String value, Random random) {
        return random.nextInt(100) < 90 ? URLEncoder.encode(value, StandardCharsets.UTF_8) : value;
    }

    private static <T> T pick(List<T> list, Random random) {
        return list.get(random.nextInt(list.size()));
    }

    private static List<Operation> operations(JsonNode document, SchemaValues values) {
        var operations = new ArrayList<Operation>();
        boolean securedByDefault = !document.path("security").isEmpty();
        for (var path : document.path("paths").properties()) {
            var shared = new ArrayList<JsonNode>();
            path.getValue().path("parameters").forEach(p -> shared.add(values.resolve(p)));
            for (var entry : path.getValue().properties()) {
                if (entry.getKey().equals("parameters")) {
                    continue;
                }
                JsonNode operation = entry.getValue();
                var parameters = new ArrayList<>(shared);
                operation.path("parameters").forEach(p -> parameters.add(values.resolve(p)));
                JsonNode content = operation.path("requestBody").path("content");
                String bodyType = content.isObject() && !content.isEmpty()
                        ? content.fieldNames().next()
                        : null;
                JsonNode schema =
                        bodyType == null ? null : content.path(bodyType).path("schema");
                boolean secured =
                        operation.has("security") ? !operation.path("security").isEmpty() : securedByDefault;
                operations.add(new Operation(
                        entry.getKey().toUpperCase(Locale.ROOT),
                        path.getKey(),
                        List.copyOf(parameters),
                        bodyType,
                        schema,
                        secured));
            }
        }
        return List.copyOf(operations);
    }
}
