package dev.spool.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.config.Config;
import dev.spool.testing.BothStores;
import dev.spool.testing.ScratchDatabase;
import dev.spool.testing.Store;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * Migration V15: the outbox keeps one index, on task and number; the events written before it are kept, and a process of the
 * earlier version, which still writes an id with each event, can go on writing during an upgrade.
 */
@BothStores
class OutboxKeyMigrationTest {
    @Parameter
    Store store;

    @TempDir
    Path dir;

    @Test
    void
            givenEventsWrittenBeforeTheMigration_whenSpoolOpensTheStore_thenEveryEventIsKept_andTaskAndNumberAreTheOnlyIndex()
                    throws SQLException {
        try (var scratch = ScratchDatabase.create(store, dir)) {
            String url = scratch.url();
            Database.migrations(Flyway.configure().dataSource(url, null, null), Dialect.of(url))
                    .target("14")
                    .load()
                    .migrate();
            Jdbi.create(url)
                    .useHandle(h -> h.execute("INSERT INTO task_events (id, task_id, seq, event, user_id, project_id, "
                            + "snapshot, created_at) VALUES "
                            + "('e1', 'task-a', 1, 'task.spawned', 'user-1', 'project-1', '{\"n\":1}', 100), "
                            + "('e2', 'task-a', 2, 'task.updated', 'user-1', 'project-1', '{\"n\":2}', 200), "
                            + "('e3', 'task-b', 1, 'task.spawned', 'user-2', 'project-2', '{\"n\":3}', 300)"));

            try (var database = Database.open(url, Config.DATABASE_READ_TIMEOUT)) {
                var jdbi = database.jdbi();
                List<List<String>> events = jdbi.withHandle(h -> h.createQuery("SELECT task_id, seq, event, user_id, "
                                + "project_id, snapshot, created_at, id FROM task_events ORDER BY task_id, seq")
                        .map((rs, ctx) -> List.of(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getString(6),
                                rs.getString(7),
                                rs.getString(8)))
                        .list());

                assertThat(events)
                        .containsExactly(
                                List.of("task-a", "1", "task.spawned", "user-1", "project-1", "{\"n\":1}", "100", "e1"),
                                List.of("task-a", "2", "task.updated", "user-1", "project-1", "{\"n\":2}", "200", "e2"),
                                List.of(
                                        "task-b",
                                        "1",
                                        "task.spawned",
                                        "user-2",
                                        "project-2",
                                        "{\"n\":3}",
                                        "300",
                                        "e3"));
                assertThat(indexedColumns(database, scratch)).containsExactly("task_id", "seq");
                if (store == Store.POSTGRES) {
                    String identity = jdbi.withHandle(
                            h -> h.createQuery("SELECT relreplident FROM pg_class WHERE oid = 'task_events'::regclass")
                                    .mapTo(String.class)
                                    .one());
                    assertThat(identity)
                            .as("logical replication identifies a row by task and number")
                            .isEqualTo("i");
                }
                jdbi.useHandle(
                        h -> h.execute(
                                "INSERT INTO task_events (task_id, seq, event, user_id, project_id, "
                                        + "snapshot, created_at) VALUES ('task-a', 3, 'task.updated', 'user-1', 'project-1', '{}', 400)"));
                jdbi.useHandle(h -> h.execute("INSERT INTO task_events (id, task_id, seq, event, user_id, project_id, "
                        + "snapshot, created_at) VALUES ('e5', 'task-a', 4, 'task.updated', 'user-1', 'project-1', "
                        + "'{}', 500)"));
                assertThatThrownBy(() -> jdbi.useHandle(h -> h.execute("INSERT INTO task_events (task_id, seq, event, "
                                + "user_id, project_id, snapshot, created_at) VALUES ('task-a', 2, 'task.updated', "
                                + "'user-1', 'project-1', '{}', 600)")))
                        .as("a second event with the same task and number")
                        .hasMessageContaining("task_id");
                assertThatThrownBy(() -> jdbi.useHandle(h -> h.execute("SELECT position FROM task_events")))
                        .as("the row number is gone")
                        .hasMessageContaining("position");
            }
        }
    }

    /** The columns of the table's indexes, each index's in order. */
    private static List<String> indexedColumns(Database database, ScratchDatabase scratch) throws SQLException {
        try (var handle = database.jdbi().open();
                var columns = handle.getConnection()
                        .getMetaData()
                        .getIndexInfo(null, scratch.schema().orElse(null), "task_events", false, false)) {
            var indexed = new ArrayList<String>();
            while (columns.next()) {
                if (columns.getString("COLUMN_NAME") != null) {
                    indexed.add(columns.getString("COLUMN_NAME"));
                }
            }
            return indexed;
        }
    }
}
