package dev.spool.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.db.Retention;
import dev.spool.testing.Await;
import dev.spool.testing.BothStores;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/**
 * Under a receiver that never recovers, the webhook and task event tables stay bounded: rows older than
 * SPOOL_EVENT_RETENTION (here two seconds standing for days) are pruned, while each task keeps its latest event. The
 * chunks of tasks that ended longer ago go too.
 */
@BothStores
class RetentionTest {
    private static final long RETENTION_MILLIS = 2_000;

    @Parameter
    Store store;

    static long oldest(TestServer server, String table) {
        return server.server()
                .database()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT COALESCE(MIN(created_at), 0) FROM " + table)
                        .mapTo(Long.class)
                        .one());
    }

    static long count(TestServer server, String sql) {
        return server.server()
                .database()
                .jdbi()
                .withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    @Test
    void givenABacklogOfManyBatches_whenPruned_thenEveryOldEventGoesButEachTasksLatest() {
        try (var server = TestServer.start(store)) {
            var database = server.server().database();
            // 25,000 events of five tasks from long ago: more than two of the pruner's batches
            database.jdbi()
                    .useHandle(h -> h.execute("WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                            + "WHERE i < 25000) INSERT INTO task_events (task_id, seq, event, user_id, project_id, "
                            + "snapshot, created_at) SELECT 'backlog-' || (i % 5), i, 'task.updated', 'u', 'p', '{}', 1 "
                            + "FROM n"));

            new Retention(database, Duration.ofDays(1), Clock.systemUTC()).runOnce();

            assertThat(count(server, "SELECT COUNT(*) FROM task_events WHERE task_id LIKE 'backlog-%'"))
                    .isEqualTo(5);
            assertThat(count(server, "SELECT SUM(seq) FROM task_events WHERE task_id LIKE 'backlog-%'"))
                    .as("each task's latest event kept")
                    .isEqualTo(24_996 + 24_997 + 24_998 + 24_999 + 25_000);
        }
    }

    @Test
    void givenChunksOfTasksThatEndedLongAgo_whenPruned_thenTheyGo_andEveryOtherTaskStays() {
        try (var server = TestServer.start(store)) {
            long now = System.currentTimeMillis();
            // Parents: ended long ago (completed, failed), ended just now, and waiting since long ago (a retry's
            // back-off); each with two chunks. And chunks whose parent is gone.
            insertTask(server, "done-long-ago", "completed", 1, null);
            insertTask(server, "failed-long-ago", "failed", 1, null);
            insertTask(server, "done-just-now", "completed", now, null);
            insertTask(server, "waiting-long", "waiting", 1, null);
            for (String parent : List.of("done-long-ago", "failed-long-ago", "done-just-now", "waiting-long", "gone")) {
                for (String chunk : List.of("-c0", "-c1")) {
                    insertTask(server, parent + chunk, "completed", 1, parent);
                }
            }

            new Retention(server.server().database(), Duration.ofDays(1), Clock.systemUTC()).runOnce();

            assertThat(strings(server, "SELECT id FROM tasks WHERE id LIKE '%-c_' ORDER BY id"))
                    .containsExactly("done-just-now-c0", "done-just-now-c1", "waiting-long-c0", "waiting-long-c1");
            assertThat(count(
                            server,
                            "SELECT COUNT(*) FROM tasks WHERE id IN ('done-long-ago', 'failed-long-ago', "
                                    + "'done-just-now', 'waiting-long')"))
                    .as("the parents themselves are kept")
                    .isEqualTo(4);
        }
    }

    private static List<String> strings(TestServer server, String sql) {
        return server.server()
                .database()
                .jdbi()
                .withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
    }

    private static void insertTask(TestServer server, String id, String phase, long updatedAt, String parent) {
        server.server()
                .database()
                .jdbi()
                .useHandle(h -> h.createUpdate("INSERT INTO tasks (id, type, user_id, project_id, created_at, params, "
                                + "phase, updated_at, parent_id) SELECT :id, :type, id, 'p', 1, '{}', :phase, "
                                + ":updated, :parent FROM users ORDER BY id LIMIT 1")
                        .bind("id", id)
                        .bind("type", parent == null ? "upload" : "encode-chunk")
                        .bind("phase", phase)
                        .bind("updated", updatedAt)
                        .bind("parent", parent)
                        .execute());
    }

    @Test
    void givenAReceiverFailingThroughoutManyRetentionPeriods_thenNoEventRowOutlivesTheRetention() throws Exception {
        try (var receiver = Receiver.start(500);
                var server = TestServer.start(
                        store,
                        Map.of(
                                "SPOOL_EVENT_RETENTION",
                                RETENTION_MILLIS + "ms",
                                "SPOOL_WEBHOOK_ALLOW_PRIVATE",
                                "true",
                                "SPOOL_WEBHOOK_RETRY_BASE",
                                "100ms",
                                "SPOOL_WEBHOOK_RETRY_CAP",
                                "200ms",
                                "SPOOL_WEBHOOK_RETRY_WINDOW",
                                "1s"))) {
            var admin = server.admin();
            admin.post(
                    "/api/webhook",
                    Map.of(
                            "name",
                            "down",
                            "url",
                            receiver.url("/hook"),
                            "events",
                            List.of("asset.created", "task.spawned")));
            long start = System.currentTimeMillis();
            int created = 0;
            while (System.currentTimeMillis() - start < 3 * RETENTION_MILLIS) {
                admin.post("/api/asset/request-upload", Map.of("name", "event " + created++));
                Thread.sleep(100);
            }

            // The pruner runs every second at this retention: no row may be older than retention + one period + slack.
            long limit = RETENTION_MILLIS + 2_500;
            Await.until(
                    () -> oldest(server, "webhook_logs"),
                    oldest -> oldest == 0 || System.currentTimeMillis() - oldest < limit,
                    Duration.ofSeconds(10),
                    "webhook log rows pruned");
            assertThat(receiver.received()).isNotEmpty();
            assertThat(count(
                            server,
                            "SELECT COUNT(*) FROM webhook_deliveries WHERE state <> 'pending' AND " + "finished_at < "
                                    + (System.currentTimeMillis() - limit)))
                    .isZero();
            assertThat(count(
                            server,
                            "SELECT COUNT(*) FROM task_events e WHERE created_at < "
                                    + (System.currentTimeMillis() - limit)
                                    + " AND seq < (SELECT MAX(seq) FROM task_events l "
                                    + "WHERE l.task_id = e.task_id)"))
                    .isZero();
            assertThat(count(server, "SELECT COUNT(DISTINCT task_id) FROM task_events"))
                    .isEqualTo(created);
            assertThat(count(server, "SELECT COUNT(*) FROM webhook_logs"))
                    .isLessThan(receiver.received().size());
        }
    }
}
