package dev.spool.db;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * A statement that answers rows: its SQL, the values it binds, and how a row is read. It runs alone ({@link #run}),
 * or on PostgreSQL together with the statement that follows it ({@link #together}): one round trip to the server
 * instead of two, which is most of what a short statement costs a worker's round.
 */
public record Returning<R>(String sql, Consumer<Query> binds, RowMapper<R> mapper) {

    /** What two statements sent together answered, in the order they ran. */
    public record Both<A, B>(List<A> first, List<B> second) {}

    public List<R> run(Handle h) {
        var query = h.createQuery(sql);
        binds.accept(query);
        return query.map(mapper).list();
    }

    /**
     * Runs {@code first}, then {@code second}, sent to PostgreSQL in one execution: the server runs them one after
     * the other, so the second sees what the first changed, exactly as when sent after it, and an error in either
     * leaves the transaction failed as it would alone. Both bind into one statement: a parameter name both use is
     * bound once, so both must mean the same value by it. PostgreSQL only: SQLite's driver runs the first statement
     * of an execution and ignores the rest.
     */
    public static <A, B> Both<A, B> together(Handle h, Returning<A> first, Returning<B> second) {
        var query = h.createQuery(first.sql + ";\n" + second.sql);
        first.binds.accept(query);
        second.binds.accept(query);
        return query.execute((executed, ctx) -> {
            var statement = executed.get();
            var firstRows = rows(statement, ctx, first);
            if (!statement.getMoreResults()) {
                throw new IllegalStateException("the second statement answered no rows: " + second.sql);
            }
            return new Both<>(firstRows, rows(statement, ctx, second));
        });
    }

    private static <T> List<T> rows(PreparedStatement statement, StatementContext ctx, Returning<T> returning)
            throws SQLException {
        try (var rs = statement.getResultSet()) {
            if (rs == null) {
                throw new IllegalStateException("the statement answered no rows: " + returning.sql);
            }
            var rows = new ArrayList<T>();
            while (rs.next()) {
                rows.add(returning.mapper.map(rs, ctx));
            }
            return rows;
        }
    }
}
