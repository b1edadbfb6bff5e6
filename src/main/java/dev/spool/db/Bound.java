package dev.spool.db;

import java.sql.Types;
import java.util.List;
import org.jdbi.v3.core.argument.Argument;

/**
 * Values bound as ready-made arguments, for the statements a worker runs in every round. Jdbi otherwise resolves
 * each bound value's type and argument factory at every execution; with the hundred or so values of a round's
 * statements, that resolution took a quarter of the claim loop's Java time.
 */
public final class Bound {
    private Bound() {}

    public static Argument text(String value) {
        return value == null
                ? (position, statement, ctx) -> statement.setNull(position, Types.VARCHAR)
                : (position, statement, ctx) -> statement.setString(position, value);
    }

    public static Argument number(long value) {
        return (position, statement, ctx) -> statement.setLong(position, value);
    }

    /** A PostgreSQL {@code text[]}. */
    public static Argument textArray(List<String> values) {
        return (position, statement, ctx) ->
                statement.setArray(position, statement.getConnection().createArrayOf("text", values.toArray()));
    }
}
