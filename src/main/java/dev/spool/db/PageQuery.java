package dev.spool.db;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * One page of a table for a {@link ListQuery}, within the caller's own conditions (owner, project, visibility),
 * and the total when asked for.
 */
public final class PageQuery {
    private PageQuery() {}

    public record Page<T>(List<T> items, Long total) {
        /** The same page with each item turned into what the caller may see. */
        public <R> Page<R> map(Function<T, R> view) {
            return new Page<>(items.stream().map(view).toList(), total);
        }
    }

    public static <T> Page<T> fetch(
            Jdbi jdbi,
            String table,
            String columns,
            RowMapper<T> mapper,
            ListQuery query,
            Map<String, String> fields,
            String defaultOrder,
            Map<String, Object> scope,
            List<String> conditions,
            boolean withCount) {
        var sql = query.toSql(fields, defaultOrder);
        var where = new ArrayList<>(sql.where());
        where.addAll(conditions);
        var bindings = new LinkedHashMap<>(sql.bindings());
        scope.forEach((column, value) -> {
            where.add(column + " = :scope_" + column);
            bindings.put("scope_" + column, value);
        });
        String whereSql = where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
        return jdbi.withHandle(h -> {
            var select = h.createQuery("SELECT " + columns + " FROM " + table + whereSql + " ORDER BY " + sql.orderBy()
                    + " LIMIT :limit OFFSET :offset");
            bindings.forEach(select::bind);
            var items = select.bind("limit", query.limit())
                    .bind("offset", query.offset())
                    .map(mapper)
                    .list();
            Long total = null;
            if (withCount) {
                var count = h.createQuery("SELECT COUNT(*) FROM " + table + whereSql);
                bindings.forEach(count::bind);
                total = count.mapTo(Long.class).one();
            }
            return new Page<>(items, total);
        });
    }
}
