package dev.spool.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.db.ListQuery;
import dev.spool.db.PageQuery;
import dev.spool.error.SpoolException;
import dev.spool.json.Json;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The common query parameters of list endpoints ({@code limit}, {@code cursor}, {@code filters}, {@code order},
 * {@code count}) parsed strictly: a malformed one is a 400 that names it.
 */
final class ListRequest {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 1000;

    private ListRequest() {}

    /**
     * A filter on a numeric field compares numbers, one on a full-text field matches a case-insensitive substring
     * (Livepeer's {@code ILIKE %value%}), any other compares the string form for equality.
     */
    static ListQuery parse(
            Context ctx, Map<String, String> fields, Set<String> numericFields, Set<String> fullTextFields) {
        int limit = parseLimit(ctx.queryParam("limit"));
        long offset = parseCursor(ctx.queryParam("cursor"));
        var filters = parseFilters(ctx.queryParam("filters"), fields, numericFields, fullTextFields);
        var order = parseOrder(ctx.queryParam("order"), fields);
        return new ListQuery(filters, order, limit, offset);
    }

    /** {@code allUsers=1} or {@code true}: an admin lists every user's items (ignored for others). */
    static boolean allUsers(Context ctx) {
        return "1".equals(ctx.queryParam("allUsers")) || "true".equals(ctx.queryParam("allUsers"));
    }

    static boolean wantsCount(Context ctx) {
        String count = ctx.queryParam("count");
        return count != null && !count.isEmpty() && !count.equals("false") && !count.equals("0");
    }

    /** Answers a page: a bare JSON array with its Link and X-Total-Count headers. */
    static void respond(Context ctx, ListQuery query, PageQuery.Page<?> page, String publicUrl) {
        pageHeaders(ctx, query, page.items().size(), page.total(), publicUrl);
        ctx.json(page.items());
    }

    /** Writes the page headers: {@code Link: <...>; rel="next"} when the page is full, and the total if asked. */
    private static void pageHeaders(Context ctx, ListQuery query, int returned, Long total, String publicUrl) {
        if (returned == query.limit()) {
            var params = new ArrayList<String>();
            ctx.queryParamMap().forEach((name, values) -> {
                if (!name.equals("cursor")) {
                    values.forEach(v -> params.add(encode(name) + "=" + encode(v)));
                }
            });
            params.add("cursor=skip" + (query.offset() + returned));
            ctx.header("Link", "<" + publicUrl + ctx.path() + "?" + String.join("&", params) + ">; rel=\"next\"");
        }
        if (total != null) {
            ctx.header("X-Total-Count", Long.toString(total));
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static int parseLimit(String value) {
        if (value == null || value.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit < 1 || limit > MAX_LIMIT) {
                throw bad("limit", "must be between 1 and " + MAX_LIMIT + ", got " + value);
            }
            return limit;
        } catch (NumberFormatException e) {
            throw bad("limit", "must be a whole number between 1 and " + MAX_LIMIT + ", got '" + value + "'");
        }
    }

    private static long parseCursor(String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        if (value.startsWith("skip")) {
            try {
                long offset = Long.parseLong(value.substring(4));
                if (offset >= 0) {
                    return offset;
                }
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        throw bad("cursor", "'" + value + "' is not a cursor this server handed out (use the Link header's)");
    }

    private static List<ListQuery.Filter> parseFilters(
            String value, Map<String, String> fields, Set<String> numericFields, Set<String> fullTextFields) {
        if (value == null || value.isEmpty()) {
            return List.of();
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(value);
        } catch (Exception e) {
            throw bad("filters", "is not valid JSON: expected an array of {\"id\": field, \"value\": value}");
        }
        if (root == null || !root.isArray()) {
            throw bad("filters", "must be a JSON array of {\"id\": field, \"value\": value}");
        }
        var filters = new ArrayList<ListQuery.Filter>();
        for (JsonNode item : root) {
            String field = item.path("id").asText(null);
            if (field == null || !fields.containsKey(field)) {
                throw bad(
                        "filters",
                        "unknown field " + item.path("id") + "; filterable fields are "
                                + String.join(
                                        ", ", fields.keySet().stream().sorted().toList()));
            }
            JsonNode v = item.get("value");
            if (v == null || v.isNull()) {
                throw bad("filters", "the filter on '" + field + "' has no value");
            }
            if (numericFields.contains(field)) {
                filters.addAll(numericFilters(field, v));
            } else if (v.isValueNode()) {
                var op = fullTextFields.contains(field) ? ListQuery.Op.CONTAINS : ListQuery.Op.EQ;
                filters.add(new ListQuery.Filter(field, op, v.asText()));
            } else {
                throw bad("filters", "the value for '" + field + "' must be a string");
            }
        }
        return filters;
    }

    private static List<ListQuery.Filter> numericFilters(String field, JsonNode v) {
        if (v.isNumber()) {
            return List.of(new ListQuery.Filter(field, ListQuery.Op.EQ, v.asLong()));
        }
        if (!v.isObject() || v.isEmpty()) {
            throw bad(
                    "filters",
                    "the value for '" + field + "' must be a number or an object with eq, gt, gte, lt or lte");
        }
        var filters = new ArrayList<ListQuery.Filter>();
        var names = v.fieldNames();
        while (names.hasNext()) {
            String op = names.next();
            JsonNode operand = v.get(op);
            if (!operand.isNumber()) {
                throw bad("filters", "'" + field + "." + op + "' must be a number (epoch milliseconds)");
            }
            var parsed = switch (op) {
                case "eq" -> ListQuery.Op.EQ;
                case "gt" -> ListQuery.Op.GT;
                case "gte" -> ListQuery.Op.GTE;
                case "lt" -> ListQuery.Op.LT;
                case "lte" -> ListQuery.Op.LTE;
                default ->
                    throw bad(
                            "filters",
                            "unknown comparison \"" + op + "\" on '" + field + "'; use eq, gt, gte, lt or lte");
            };
            filters.add(new ListQuery.Filter(field, parsed, operand.asLong()));
        }
        return filters;
    }

    private static List<ListQuery.Order> parseOrder(String value, Map<String, String> fields) {
        if (value == null || value.isEmpty()) {
            return List.of();
        }
        var order = new ArrayList<ListQuery.Order>();
        for (String item : value.split(",")) {
            int dash = item.lastIndexOf('-');
            String field = dash < 0 ? item : item.substring(0, dash);
            String direction = dash < 0 ? "false" : item.substring(dash + 1);
            if (!fields.containsKey(field)) {
                throw bad(
                        "order",
                        "unknown field '" + field + "'; orderable fields are "
                                + String.join(
                                        ", ", fields.keySet().stream().sorted().toList()));
            }
            if (!direction.equals("true") && !direction.equals("false")) {
                throw bad("order", "'" + item + "' must look like <field>-true (descending) or <field>-false");
            }
            order.add(new ListQuery.Order(field, direction.equals("true")));
        }
        return order;
    }

    private static SpoolException bad(String parameter, String reason) {
        return SpoolException.badRequest("bad_query", parameter + ": " + reason);
    }
}
