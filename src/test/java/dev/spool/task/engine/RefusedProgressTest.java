package dev.spool.task.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.BothStores;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/**
 * Progress is a report about the work, not the work: a progress write the store refuses (it did not answer, it
 * failed the statement) is logged and the handler goes on, where before the handler's run ended as a crash and the
 * work done so far was thrown away for a retry.
 */
@BothStores
class RefusedProgressTest {
    static final Path LOG = SideEffects.tempLog("spool-refused-progress-");

    @Parameter
    Store store;

    @Test
    void given_a_store_that_refuses_every_progress_write_when_a_task_reports_progress_then_it_completes_at_once() {
        try (var server = TestServer.start(store, Map.of(), List.of(new ScriptedHandler(LOG, "refused")))) {
            // given a store whose every progress write of a running task fails
            refuseProgressWrites(Jdbi.create(server.databaseUrl()));
            server.restartWith(Map.of("SPOOL_WORKERS", "1", "SPOOL_TASK_FIRST_RETRY_DELAY", "100ms"));

            // when a task reports progress ten times while it runs
            String id = EngineTest.createWith(server.admin(), "{\"sleepMs\": 600}");

            // then its run goes on to its end and completes on its first attempt, its output written
            var task = EngineSupport.await(
                    () -> server.admin().get("/api/task/" + id).json(),
                    t -> !EngineTest.phase(t).equals("waiting")
                            && !EngineTest.phase(t).equals("running"),
                    Duration.ofSeconds(20),
                    "task " + id + " to end");
            assertThat(EngineTest.phase(task)).isEqualTo("completed");
            assertThat(task.path("status").path("retries").asInt()).isZero();
            assertThat(task.path("output").isMissingNode()).isFalse();
            assertThat(new SideEffects(LOG)
                            .starts().stream().filter(l -> l.taskId().equals(id)))
                    .hasSize(1);
        }
    }

    private void refuseProgressWrites(Jdbi jdbi) {
        String when = "OLD.phase = 'running' AND NEW.phase = 'running' AND NEW.progress IS DISTINCT FROM OLD.progress";
        if (store == Store.POSTGRES) {
            jdbi.useHandle(h -> h.execute("CREATE FUNCTION refuse_progress() RETURNS trigger LANGUAGE plpgsql AS "
                    + "$$ BEGIN RAISE EXCEPTION 'progress refused'; END $$"));
            jdbi.useHandle(h -> h.execute("CREATE TRIGGER refuse_progress BEFORE UPDATE ON tasks FOR EACH ROW WHEN ("
                    + when + ") EXECUTE FUNCTION refuse_progress()"));
        } else {
            jdbi.useHandle(h -> h.execute("CREATE TRIGGER refuse_progress BEFORE UPDATE ON tasks WHEN "
                    + when.replace("IS DISTINCT FROM", "IS NOT")
                    + " BEGIN SELECT RAISE(ABORT, 'progress refused'); END"));
        }
    }
}
