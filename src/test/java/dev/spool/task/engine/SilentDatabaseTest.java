package dev.spool.task.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.Await;
import dev.spool.testing.Store;
import dev.spool.testing.TcpRelay;
import dev.spool.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * A worker busy on PostgreSQL whose open connections go silent under it (the server's host lost, a failover to
 * another address: nothing answers, nothing is closed) gives up on them within the driver's read timeout and goes on
 * through new connections. Before, its round waited on the silent socket for as long as the kernel kept it, and the
 * worker claimed nothing more.
 */
class SilentDatabaseTest {
    private static final int TASKS = 24;
    static final Path LOG = SideEffects.tempLog("spool-silent-");

    @Test
    void given_a_busy_worker_when_its_connections_go_silent_then_it_reconnects_and_every_task_completes() {
        var server = TestServer.start(Store.POSTGRES, Map.of(), List.of(new ScriptedHandler(LOG, "silent")));
        String direct = server.databaseUrl();
        var store = Jdbi.create(direct);
        var relay = TcpRelay.toServerOf(direct);
        // the server stops before the relay does: a relay gone first would leave its last statements waiting
        try (relay;
                server) {
            // given a worker that reaches the database through the relay, its reads bounded at 2 s
            server.restartWith(Map.of(
                    "SPOOL_DATABASE_URL", relay.relayed(direct),
                    "SPOOL_DATABASE_READ_TIMEOUT", "2s",
                    "SPOOL_WORKERS", "2",
                    "SPOOL_TASK_LEASE", "3s",
                    "SPOOL_TASK_FIRST_RETRY_DELAY", "300ms",
                    "SPOOL_TASK_RETRY_DELAY", "600ms"));
            String first = EngineTest.createWith(server.admin(), "{\"sleepMs\": 200}");
            for (int i = 1; i < TASKS; i++) {
                EngineTest.createWith(server.admin(), "{\"sleepMs\": 200}");
            }
            Await.until(() -> completed(store), n -> n >= 4, Duration.ofSeconds(30), "the worker under way");

            // when every connection open now goes silent for good, while the worker claims and completes
            relay.silenceOpenConnections();

            // then the worker drops them and finishes every task through new connections, and the API answers
            // meanwhile either as usual or, where the database did not answer, 503 with when to try again
            var unexpected = new ArrayList<String>();
            Await.until(
                    () -> {
                        var response = server.admin().get("/api/task/" + first);
                        boolean unavailable = response.status() == 503
                                && response.header("Retry-After").isPresent()
                                && response.json().path("errors").size() == 1;
                        if (response.status() != 200 && !unavailable) {
                            unexpected.add(response.status() + " " + response.body());
                        }
                        return completed(store);
                    },
                    n -> n == TASKS,
                    Duration.ofSeconds(90),
                    "every task completed");
            assertThat(completed(store)).isEqualTo(TASKS);
            assertThat(unexpected).as("API answers other than 200 or 503").isEmpty();
        }
    }

    private static int completed(Jdbi store) {
        return store.withHandle(
                h -> h.createQuery("SELECT COUNT(*) FROM tasks WHERE phase = 'completed' AND parent_id IS NULL")
                        .mapTo(Integer.class)
                        .one());
    }
}
