package dev.spool.db;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Values bound as ready-made arguments, for the statements a worker runs in every round. Jdbi otherwise resolves
 * each bound value's type and argument factory at every execution; with the hundred or so values of a round's
 * statements, that resolution took a quarter of the claim loop's Java time. Each prints as its value, as Jdbi's own
 * arguments do in the messages of a statement that failed.
 */
public final class Bound {
    private Bound() {}

    public static Argument text(String value) {
        return new Text(value);
    }

    public static Argument number(long value) {
        return new Integral(value);
    }

    /** A PostgreSQL {@code text[]}. */
    public static Argument textArray(List<String> values) {
        return new TextArray(values);
    }

    private record Text(String value) implements Argument {
        @Override
        public void apply(int position, PreparedStatement statement, StatementContext ctx) throws SQLException {
            if (value == null) {
                statement.setNull(position, Types.VARCHAR);
            } else {
                statement.setString(position, value);
            }
        }

        @Override
        public String toString() {
            return String.valueOf(value);
        }
    }

    private record Integral(long value) implements Argument {
        @Override
        public void apply(int position, PreparedStatement statement, StatementContext ctx) throws SQLException {
            statement.setLong(position, value);
        }

        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    private record TextArray(List<String> values) implements Argument {
        @Override
        public void apply(int position, PreparedStatement statement, StatementContext ctx) throws SQLException {
            statement.setArray(position, statement.getConnection().createArrayOf("text", values.toArray()));
        }

        @Override
        public String toString() {
            return values.toString();
        }
    }
}
