package dev.spool.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A validated list request: filters, ordering and a page, turned into SQL over a fixed map of public field names
 * to columns. Values are always bound, never spliced into the SQL.
 */
public record ListQuery(List<Filter> filters, List<Order> order, int limit, long offset) {

    public enum Op {
        EQ("="),
        GT(">"),
        GTE(">="),
        LT("<"),
        LTE("<=");

        private final String sql;

        Op(String sql) {
            this.sql = sql;
        }
    }

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
            where.add(column + " " + filter.op().sql + " :" + name);
            bindings.put(name, filter.value());
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

    public record Sql(List<String> where, Map<String, Object> bindings, String orderBy) {}
}
