package dev.spool.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.config.Config;
import dev.spool.testing.BothStores;
import dev.spool.testing.ScratchDatabase;
import dev.spool.testing.Store;
import java.nio.file.Path;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/** Migration V15: the outbox is keyed by task and number, and the events written before it are kept. */
@BothStores
class OutboxKeyMigrationTest {
    @Parameter
    Store store;

    @TempDir
    Path dir;

    @Test
    void givenEventsWrittenBeforeTheMigration_whenSpoolOpensTheStore_thenEveryEventIsKept_andTaskAndNumberAreTheKey() {
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
                                + "project_id, snapshot, created_at FROM task_events ORDER BY task_id, seq")
                        .map((rs, ctx) -> List.of(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getString(6),
                                rs.getString(7)))
                        .list());

                assertThat(events)
                        .containsExactly(
                                List.of("task-a", "1", "task.spawned", "user-1", "project-1", "{\"n\":1}", "100"),
                                List.of("task-a", "2", "task.updated", "user-1", "project-1", "{\"n\":2}", "200"),
                                List.of("task-b", "1", "task.spawned", "user-2", "project-2", "{\"n\":3}", "300"));
                assertThatThrownBy(() -> jdbi.useHandle(h -> h.execute(insert("task-a", 2))))
                        .as("a second event with the same task and number")
                        .hasMessageContaining("task_events");
                jdbi.useHandle(h -> h.execute(insert("task-a", 3)));
                assertThatThrownBy(() -> jdbi.useHandle(h -> h.execute("SELECT id FROM task_events")))
                        .as("the unread text id is gone");
                assertThatThrownBy(() -> jdbi.useHandle(h -> h.execute("SELECT position FROM task_events")))
                        .as("the unread row number is gone");
            }
        }
    }

    private static String insert(String task, int seq) {
        return "INSERT INTO task_events (task_id, seq, event, user_id, project_id, snapshot, created_at) VALUES ('"
                + task + "', " + seq + ", 'task.updated', 'user-1', 'project-1', '{}', 400)";
    }
}
