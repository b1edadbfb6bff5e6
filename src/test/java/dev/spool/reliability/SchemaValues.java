package dev.spool.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Values shaped like an OpenAPI 3.1 schema of Spool's document: required properties always, optional ones often,
 * enums, {@code oneOf} branches, bounds and {@code $ref}s inside the document honoured. They are valid-shaped, not
 * always acceptable (an import URL may still be refused), which is what the fuzzer starts its mutations from.
 */
final class SchemaValues {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> URLS = List.of(
            "https://example.com/video.mp4",
            "http://127.0.0.1:9/x.mp4",
            "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
            "ar://abc",
            "s3+https://KEY:SECRET@s3.example.com/bucket/file.mp4",
            "https://example.com/hook");

    private final JsonNode document;

    SchemaValues(JsonNode document) {
        this.document = document;
    }

    JsonNode resolve(JsonNode schema) {
        while (schema.has("$ref")) {
            schema = document.at(schema.path("$ref").asText().substring(1));
        }
        return schema;
    }

    JsonNode generate(JsonNode schema, String name, Random random) {
        return generate(schema, name, random, 0);
    }

    private JsonNode generate(JsonNode given, String name, Random random, int depth) {
        JsonNode schema = resolve(given);
        if (schema.has("enum")) {
            return schema.get("enum").get(random.nextInt(schema.get("enum").size()));
        }
        for (String choice : List.of("oneOf", "anyOf")) {
            if (schema.has(choice)) {
                return generate(
                        schema.get(choice).get(random.nextInt(schema.get(choice).size())), name, random, depth);
            }
        }
        return switch (typeOf(schema, random)) {
            case "object" -> object(schema, random, depth);
            case "array" -> array(schema, name, random, depth);
            case "integer" -> NODES.numberNode(integer(schema, random));
            case "number" -> NODES.numberNode(number(schema, random));
            case "boolean" -> NODES.booleanNode(random.nextBoolean());
            case "null" -> NODES.nullNode();
            default -> NODES.textNode(string(schema, name, random));
        };
    }

    private static String typeOf(JsonNode schema, Random random) {
        JsonNode type = schema.path("type");
        if (type.isArray()) {
            return type.get(random.nextInt(type.size())).asText();
        }
        if (type.isTextual()) {
            return type.asText();
        }
        return schema.has("properties") ? "object" : "string";
    }

    private ObjectNode object(JsonNode schema, Random random, int depth) {
        ObjectNode object = NODES.objectNode();
        var required = new ArrayList<String>();
        schema.path("required").forEach(field -> required.add(field.asText()));
        for (var property : schema.path("properties").properties()) {
            JsonNode propertySchema = resolve(property.getValue());
            boolean wanted = required.contains(property.getKey()) || (depth < 4 && random.nextInt(3) > 0);
            if (wanted && !propertySchema.path("readOnly").asBoolean(false)) {
                object.set(property.getKey(), generate(propertySchema, property.getKey(), random, depth + 1));
            }
        }
        return object;
    }

    private ArrayNode array(JsonNode schema, String name, Random random, int depth) {
        ArrayNode array = NODES.arrayNode();
        int size = schema.path("minItems").asInt(0) + random.nextInt(depth < 3 ? 3 : 1);
        for (int i = 0; i < size; i++) {
            array.add(generate(schema.path("items"), name, random, depth + 1));
        }
        return array;
    }

    private static long integer(JsonNode schema, Random random) {
        if (schema.has("example") && random.nextBoolean()) {
            return schema.get("example").asLong();
        }
        long min = schema.path("minimum").asLong(0);
        long max = schema.path("maximum").asLong(min + 5000);
        return min + (long) (random.nextDouble() * (max - min));
    }

    private static double number(JsonNode schema, Random random) {
        double min =
                schema.path("minimum").asDouble(schema.path("exclusiveMinimum").asDouble(0) + 0.5);
        double max = schema.path("maximum").asDouble(min + 100);
        return Math.round((min + random.nextDouble() * (max - min)) * 100) / 100.0;
    }

    private static String string(JsonNode schema, String name, Random random) {
        String lower = name.toLowerCase();
        if (lower.contains("url") || lower.equals("endpoint") || schema.has("pattern")) {
            return URLS.get(random.nextInt(URLS.size()));
        }
        if (schema.has("example") && random.nextBoolean()) {
            return schema.get("example").asText();
        }
        int min = Math.max(1, schema.path("minLength").asInt(1));
        int length = min + random.nextInt(12);
        var text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }
}
