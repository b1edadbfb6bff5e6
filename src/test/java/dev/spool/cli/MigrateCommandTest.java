package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.BothStores;
import dev.spool.testing.ScratchDatabase;
import dev.spool.testing.Store;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import picocli.CommandLine;

/** {@code spool migrate} creates the whole schema in an empty database, and a second run changes nothing. */
@BothStores
class MigrateCommandTest {
    @Parameter
    Store store;

    @TempDir
    Path dir;

    @Test
    void givenAnEmptyDatabase_whenMigrateRunsTwice_thenEveryMigrationIsAppliedOnceAndTheTablesExist()
            throws SQLException {
        try (var database = ScratchDatabase.create(store, dir)) {
            var first = migrate(database.url());

            assertThat(first.exitCode()).as(first.out()).isZero();
            assertThat(first.out()).contains("database is up to date: " + store);
            var applied = appliedMigrations(database.url());
            assertThat(applied).isEqualTo(migrationFiles(store));
            try (var connection = DriverManager.getConnection(database.url());
                    var count = connection.createStatement().executeQuery("SELECT count(*) FROM tasks")) {
                assertThat(count.next()).isTrue();
                assertThat(count.getLong(1)).isZero();
            }

            var second = migrate(database.url());

            assertThat(second.exitCode()).as(second.out()).isZero();
            assertThat(appliedMigrations(database.url())).isEqualTo(applied);
        }
    }

    private record Run(int exitCode, String out) {}

    private Run migrate(String databaseUrl) {
        var out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int exitCode = new CommandLine(new Main())
                    .execute("migrate", "--data-dir", dir.resolve("data").toString(), "--database-url", databaseUrl);
            return new Run(exitCode, out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void givenTheMigrationsEachStoreRunsItsOwnWay_thenBothStoresHaveTheSameVersions() {
        assertThat(versions("/db/postgres")).isNotEmpty().isEqualTo(versions("/db/sqlite"));
    }

    /**
     * The versions of the migration scripts Spool ships for the store, in order: those of db/migration and of the
     * store's own folder (db/postgres, db/sqlite).
     */
    private static List<String> migrationFiles(Store store) {
        return Stream.concat(
                        versions("/db/migration").stream(),
                        versions("/db/" + store.name().toLowerCase(Locale.ROOT)).stream())
                .sorted(Comparator.comparingInt(Integer::parseInt))
                .toList();
    }

    /** The versions of the scripts V<version>__*.sql in a folder of the classpath, in order. */
    private static List<String> versions(String folder) {
        try (var files =
                Files.list(Path.of(MigrateCommandTest.class.getResource(folder).toURI()))) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.matches("V\\d+__.*\\.sql"))
                    .map(name -> name.substring(1, name.indexOf("__")))
                    .sorted(Comparator.comparingInt(Integer::parseInt))
                    .toList();
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot list the migration scripts in " + folder, e);
        }
    }

    /** The versions Flyway recorded as applied successfully, in order. */
    private static List<String> appliedMigrations(String url) throws SQLException {
        var versions = new ArrayList<String>();
        try (var connection = DriverManager.getConnection(url);
                var rows = connection
                        .createStatement()
                        .executeQuery(
                                "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank")) {
            while (rows.next()) {
                versions.add(rows.getString(1));
            }
        }
        return versions;
    }
}
