package dev.spool.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi31;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Spool's own OpenAPI document ({@code openapi.yaml}, the one served at {@code /api/openapi.yaml}) as a contract
 * every response must honour: the operation (path template + method) must document the status code, a JSON body
 * must carry {@code Content-Type: application/json}, contain no {@code null} and validate against the documented
 * schema (OpenAPI 3.1 schemas are JSON Schema 2020-12; {@code $ref}s resolve inside the document).
 *
 * <p>A request the document has no path for must be answered 404, and one whose method the path lacks 405, both
 * with the {@code error} schema: that is how Spool answers unknown routes, and it needs no entry of its own.
 */
public final class OpenApiContract {
    public static final String RESOURCE = "openapi.yaml";
    private static final OpenApiContract INSTANCE = new OpenApiContract();

    private final JsonNode document;
    private final List<PathTemplate> paths;
    private final JsonSchemaFactory factory;
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

    private record PathTemplate(String template, Pattern pattern, int variables) {}

    private OpenApiContract() {
        this.document = readDocument();
        var templates = new ArrayList<PathTemplate>();
        document.path("paths")
                .fieldNames()
                .forEachRemaining(template -> templates.add(new PathTemplate(
                        template,
                        Pattern.compile(
                                "^" + template.replaceAll("\\{[^/}]+}", "[^/]+").replace(".", "\\.") + "$"),
                        template.split("\\{", -1).length - 1)));
        // A literal path beats a template that would also match it.
        templates.sort(Comparator.comparingInt(PathTemplate::variables));
        this.paths = List.copyOf(templates);
        // Schemas are read out of the whole document, whose top-level OpenAPI fields are no JSON Schema keywords.
        var dialect = JsonMetaSchema.builder(OpenApi31.getInstance())
                .keywords(Stream.of("openapi", "info", "servers", "security", "tags", "paths", "components")
                        .map(NonValidationKeyword::new)
                        .toList())
                .build();
        this.factory = JsonSchemaFactory.getInstance(
                SpecVersion.VersionFlag.V202012,
                builder -> builder.metaSchema(dialect).defaultMetaSchemaIri(dialect.getIri()));
    }

    public static OpenApiContract instance() {
        return INSTANCE;
    }

    /** The document as the test classpath has it: the same bytes the server's jar serves. */
    public static byte[] documentBytes() {
        try (InputStream in = OpenApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode document() {
        return document;
    }

    /** Fails with an {@link AssertionError} that says what is wrong, or returns quietly. */
    public void check(ApiClient.Response response) {
        String path = response.uri().getPath();
        String method = response.method().toLowerCase(Locale.ROOT);
        var template =
                paths.stream().filter(t -> t.pattern().matcher(path).matches()).findFirst();
        if (template.isEmpty()) {
            expectUndocumentedRoute(response, 404, "no path of " + RESOURCE + " matches " + path);
            return;
        }
        JsonNode operation =
                document.path("paths").path(template.get().template()).path(method);
        if (operation.isMissingNode()) {
            expectUndocumentedRoute(
                    response,
                    405,
                    RESOURCE + " has no " + method.toUpperCase(Locale.ROOT) + " on "
                            + template.get().template());
            return;
        }
        String where = response.method() + " " + template.get().template();
        String statusKey = Integer.toString(response.status());
        JsonNode documented = resolve(operation.path("responses").path(statusKey));
        if (documented.isMissingNode()) {
            throw failure(response, "status " + statusKey + " of " + where + " is not in " + RESOURCE);
        }
        JsonNode content = documented.path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            if (!response.body().isEmpty()) {
                throw failure(response, where + " " + statusKey + " is documented without a body");
            }
            return;
        }
        if (content.has("application/json")) {
            String pointer = "/paths/" + escape(template.get().template()) + "/" + method + "/responses/" + statusKey;
            if (operation.path("responses").path(statusKey).has("$ref")) {
                pointer = operation
                        .path("responses")
                        .path(statusKey)
                        .path("$ref")
                        .asText()
                        .substring(1);
            }
            checkJson(response, where + " " + statusKey, pointer + "/content/application~1json/schema");
            return;
        }
        String mediaType = content.fieldNames().next();
        if (!response.contentType().startsWith(mediaType)) {
            throw failure(response, where + " " + statusKey + " should be " + mediaType);
        }
    }

    private void expectUndocumentedRoute(ApiClient.Response response, int expectedStatus, String reason) {
        if (response.status() != expectedStatus) {
            throw failure(response, reason + ", so the answer should be " + expectedStatus);
        }
        checkJson(response, "an unknown route", "/components/schemas/error");
    }

    private void checkJson(ApiClient.Response response, String what, String schemaPointer) {
        if (!response.contentType().startsWith("application/json")) {
            throw failure(response, what + " should answer Content-Type: application/json");
        }
        JsonNode body = response.json();
        findNull(body, "$").ifPresent(at -> {
            throw failure(response, what + " has a JSON null at " + at + "; absent fields must be omitted");
        });
        var schema = schemas.computeIfAbsent(
                schemaPointer, p -> factory.getSchema(SchemaLocation.of("classpath:" + RESOURCE + "#" + p)));
        var problems = schema.validate(body);
        if (!problems.isEmpty()) {
            throw failure(
                    response,
                    what + " does not match " + RESOURCE + " (#" + schemaPointer + "):\n  "
                            + problems.stream()
                                    .map(ValidationMessage::getMessage)
                                    .sorted()
                                    .collect(Collectors.joining("\n  ")));
        }
    }

    private JsonNode resolve(JsonNode node) {
        if (node.has("$ref")) {
            return document.at(node.path("$ref").asText().substring(1));
        }
        return node;
    }

    private static Optional<String> findNull(JsonNode node, String at) {
        if (node.isNull()) {
            return Optional.of(at);
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                var found = findNull(node.get(i), at + "[" + i + "]");
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        if (node.isObject()) {
            for (var field : node.properties()) {
                var found = findNull(field.getValue(), at + "." + field.getKey());
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /** JSON Pointer escaping of one path segment. */
    private static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }

    private static AssertionError failure(ApiClient.Response response, String message) {
        String body = response.body().length() > 2000 ? response.body().substring(0, 2000) + "..." : response.body();
        return new AssertionError(message + "\n  on " + response.method() + " " + response.uri() + " -> "
                + response.status() + " " + response.contentType() + "\n  body: " + body);
    }

    private static JsonNode readDocument() {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(documentBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
