package dev.spool.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * The ways a careless or hostile client spoils a JSON body: wrong types, nulls, huge and odd strings, unknown fields,
 * deep nesting, numbers out of range, missing required fields, and whole bodies that are not the expected JSON.
 */
final class BodyMutations {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ODD_STRINGS = List.of(
            "",
            " ",
            "\u0000",
            "é\u0301",
            "🎥🎞️",
            "\u202Eevil",
            "../../etc/passwd",
            "%u0041",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "null",
            "true",
            "1e999",
            "\uFEFF",
            "line\nbreak",
            "\\",
            "\"",
            "http://[fe80::1%25eth0]/",
            "http://169.254.169.254/latest");
    private static final List<String> WHOLE_BODIES = List.of(
            "null",
            "[]",
            "{}",
            "\"text\"",
            "42",
            "true",
            "",
            "{",
            "{\"name\":",
            "[{}]",
            "{\"name\":\"a\",\"name\":\"b\"}",
            "{\"a\":1}garbage",
            "\uFEFF{}",
            "{'name':'x'}",
            "{\"name\":\"\\ud800\"}",
            "{\"name\": NaN}",
            "{\"events\": [null]}",
            "[null]",
            "{\"name\":1e99999}",
            "{\"\":\"\"}",
            "{\"__proto__\": {\"admin\": true}}");

    private final List<Function<Random, JsonNode>> replacements = List.of(
            r -> NODES.nullNode(),
            r -> NODES.textNode(ODD_STRINGS.get(r.nextInt(ODD_STRINGS.size()))),
            r -> NODES.textNode("x".repeat(100_000)),
            r -> NODES.numberNode(List.of(-1L, 0L, Long.MAX_VALUE, Long.MIN_VALUE, 4_294_967_296L)
                    .get(r.nextInt(5))),
            r -> NODES.numberNode(new BigInteger("9".repeat(40))),
            r -> NODES.numberNode(List.of(1.5, -0.0, 1e308, -1e-300, 0.1).get(r.nextInt(5))),
            r -> NODES.booleanNode(r.nextBoolean()),
            r -> NODES.objectNode().put("unexpected", "object"),
            r -> NODES.arrayNode().add(1).add("two").addNull(),
            r -> nested(r.nextBoolean() ? 60 : 3000));

    /** The JSON text of {@code valid} after 0-3 mutations, or (sometimes) a whole body of another kind. */
    String mutate(JsonNode valid, Random random) {
        int roll = random.nextInt(100);
        if (roll < 20) {
            return text(valid);
        }
        if (roll < 32) {
            return WHOLE_BODIES.get(random.nextInt(WHOLE_BODIES.size()));
        }
        JsonNode body = valid.deepCopy();
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            body = mutateOnce(body, random);
        }
        return text(body);
    }

    private JsonNode mutateOnce(JsonNode body, Random random) {
        var containers = new ArrayList<JsonNode>();
        collectContainers(body, containers, 0);
        if (containers.isEmpty()) {
            return replacements.get(random.nextInt(replacements.size())).apply(random);
        }
        JsonNode target = containers.get(random.nextInt(containers.size()));
        switch (random.nextInt(4)) {
            case 0 -> addUnknownField(target, random);
            case 1 -> removeOne(target, random);
            default -> replaceOne(target, random);
        }
        return body;
    }

    private void replaceOne(JsonNode container, Random random) {
        JsonNode replacement =
                replacements.get(random.nextInt(replacements.size())).apply(random);
        if (container instanceof ObjectNode object && !object.isEmpty()) {
            var names = new ArrayList<String>();
            object.fieldNames().forEachRemaining(names::add);
            object.set(names.get(random.nextInt(names.size())), replacement);
        } else if (container instanceof ArrayNode array) {
            if (array.isEmpty()) {
                array.add(replacement);
            } else {
                array.set(random.nextInt(array.size()), replacement);
            }
        }
    }

    private static void removeOne(JsonNode container, Random random) {
        if (container instanceof ObjectNode object && !object.isEmpty()) {
            var names = new ArrayList<String>();
            object.fieldNames().forEachRemaining(names::add);
            object.remove(names.get(random.nextInt(names.size())));
        } else if (container instanceof ArrayNode array && !array.isEmpty()) {
            array.remove(random.nextInt(array.size()));
        }
    }

    private void addUnknownField(JsonNode container, Random random) {
        if (container instanceof ObjectNode object) {
            object.set(
                    List.of("unknown", "isAdmin", "userId", "id", "createdAt", "✓")
                            .get(random.nextInt(6)),
                    replacements.get(random.nextInt(replacements.size())).apply(random));
        } else if (container instanceof ArrayNode array) {
            array.add(replacements.get(random.nextInt(replacements.size())).apply(random));
        }
    }

    private static void collectContainers(JsonNode node, List<JsonNode> into, int depth) {
        if (node.isContainerNode() && depth < 50) {
            into.add(node);
            node.forEach(child -> collectContainers(child, into, depth + 1));
        }
    }

    /** Arrays and objects nested this deep, kept as a count and only spelled out in the text. */
    private record Nesting(int depth) {
        String text() {
            return "[{\"a\":".repeat(depth / 2) + "\"deep\"" + "}]".repeat(depth / 2);
        }
    }

    private static JsonNode nested(int depth) {
        return NODES.pojoNode(new Nesting(depth));
    }

    private static String text(JsonNode node) {
        // Written by hand, not by Jackson, whose writer cannot spell out the deep nestings this fuzzer sends.
        var out = new StringBuilder();
        write(node, out);
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            out.append('{');
            var first = new boolean[] {true};
            node.properties().forEach(field -> {
                if (!first[0]) {
                    out.append(',');
                }
                first[0] = false;
                out.append(quoted(field.getKey())).append(':');
                write(field.getValue(), out);
            });
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(node.get(i), out);
            }
            out.append(']');
        } else if (node.isPojo() && ((POJONode) node).getPojo() instanceof Nesting nesting) {
            out.append(nesting.text());
        } else {
            out.append(node.isTextual() ? quoted(node.asText()) : node.toString());
        }
    }

    private static String quoted(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
