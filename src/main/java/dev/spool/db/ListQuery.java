package dev.spool.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A validated list request: filters, ordering and a page, turned into SQL over a fixed map of public field names
 * to columns. Values are always bound, never spliced into the SQL.
 *
 * <p>{@link Op#CONTAINS} is Livepeer's full-text match ({@code ILIKE %value%}) written so that SQLite and
 * PostgreSQL agree: both sides lowered by the database itself, and the user's {@code %}, {@code _} and escape
 * character escaped so they match literally. SQLite's {@code LOWER} folds ASCII letters only.
 */
public record ListQuery(List<Filter> filters, List<Order> order, int limit, long offset) {

    public enum Op {
        EQ("="),
        GT(">"),
        GTE(">="),
        LT("<"),
        LTE("<="),
        /** Case-insensitive substring of the string value. */
        CONTAINS("LIKE");

        private final String sql;

        Op(String sql) {
            this.sql = sql;
        }
    }

    /**
     * Not a backslash: the SQL parser of the query library reads a backslash inside quotes as escaping the quote,
     * which would swallow the named parameters that follow.
     */
    private static final char LIKE_ESCAPE = '!';

    public record Filter(String field, Op op, Object value) {}

    public record Order(String field, boolean descending) {}

    /** WHERE clauses (to AND with the caller's own) and ORDER BY, given the public-name-to-column map. */
    public Sql toSql(Map<String, String> columns, String defaultOrder) {
        var where = new ArrayList<String>();
        var bindings = new java.util.LinkedHashMap<String, Object>();
        int n = 0;
        for (var filter : filters) {
            String column = columns.get(filter.field());
            String name = "f" + n++;
            if (filter.op() == Op.CONTAINS) {
                where.add("LOWER(" + column + ") " + filter.op().sql + " LOWER(:" + name + ") ESCAPE '" + LIKE_ESCAPE
                        + "'");
                bindings.put(name, "%" + escapeLike(filter.value().toString()) + "%");
            } else {
                where.add(column + " " + filter.op().sql + " :" + name);
                bindings.put(name, filter.value());
            }
        }
        var orderBy = new ArrayList<String>();
        for (var item : order) {
            String column = columns.get(item.field());
            if (column != null) {
                orderBy.add(column + (item.descending() ? " DESC" : " ASC"));
            }
        }
        String orderSql = orderBy.isEmpty() ? defaultOrder : String.join(", ", orderBy) + ", " + defaultOrder;
        return new Sql(where, bindings, orderSql);
    }

    /** The value as a LIKE pattern that matches exactly its characters, wildcards included. */
    private static String escapeLike(String value) {
        var escaped = new StringBuilder(value.length() + 8);
        for (char c : value.toCharArray()) {
            if (c == '%' || c == '_' || c == LIKE_ESCAPE) {
                escaped.append(LIKE_ESCAPE);
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    public record Sql(List<String> where, Map<String, Object> bindings, String orderBy) {}
}
