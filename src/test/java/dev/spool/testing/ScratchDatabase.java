package dev.spool.testing;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/**
 * An empty database of its own, for a test server or a test that opens one itself (a CLI command): on SQLite a file
 * in the directory given (which the test deletes), on PostgreSQL a new schema in {@link TestServer#postgresUrl()},
 * dropped at {@link #close()}.
 */
public record ScratchDatabase(String url, Optional<String> schema) implements AutoCloseable {

    public static ScratchDatabase create(Store store, Path dir) {
        if (store == Store.SQLITE) {
            return new ScratchDatabase("jdbc:sqlite:" + dir.resolve("spool.db"), Optional.empty());
        }
        String server = TestServer.postgresUrl();
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "");
        execute(server, "CREATE SCHEMA " + schema);
        return new ScratchDatabase(
                server + (server.contains("?") ? "&" : "?") + "currentSchema=" + schema, Optional.of(schema));
    }

    @Override
    public void close() {
        schema.ifPresent(name -> execute(TestServer.postgresUrl(), "DROP SCHEMA IF EXISTS " + name + " CASCADE"));
    }

    private static void execute(String url, String sql) {
        try (var connection = DriverManager.getConnection(url);
                var statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot " + sql + " in " + url, e);
        }
    }
}
