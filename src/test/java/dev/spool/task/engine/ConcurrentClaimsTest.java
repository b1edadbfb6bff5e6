package dev.spool.task.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.spool.config.Config;
import dev.spool.db.Database;
import dev.spool.task.TaskRepository;
import dev.spool.task.TaskType;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Claimers racing for one user's queue on PostgreSQL, where their transactions overlap (SQLite's run one at a time):
 * a claim whose statement began before another claimer's commit, and reached the user after it, must not count the
 * user's free slots from before that commit. A trigger records the user's running count after every change to the
 * tasks, as each transaction sees it, committed or not.
 */
class ConcurrentClaimsTest {
    private static final List<TaskType> TYPES = List.of(TaskType.EXPORT_DATA);
    private static final int LIMIT = 4;
    private static final int CLAIMERS = 4;
    private static final Duration RACE = Duration.ofSeconds(4);

    private TestServer server;
    private Database database;

    @BeforeEach
    void start() {
        server = TestServer.start(Store.POSTGRES, Map.of("SPOOL_WORKERS", "0"));
        database = server.server().database();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void claimersRacingForOneUserNeverRunMoreThanItsLimit() throws Exception {
        String user = server.createUserKey("racing-" + System.nanoTime() + "@example.com")
                .userId();
        queue(user, 3000);
        long queued = count(user, "waiting");
        database.jdbi().useHandle(h -> {
            h.execute("CREATE TABLE running_seen (running BIGINT NOT NULL)");
            h.execute("CREATE FUNCTION record_running() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "INSERT INTO running_seen SELECT COUNT(*) FROM tasks WHERE user_id = '" + user
                    + "' AND phase = 'running'; RETURN NULL; END $$");
            h.execute("CREATE TRIGGER record_running AFTER UPDATE ON tasks "
                    + "FOR EACH STATEMENT EXECUTE FUNCTION record_running()");
        });
        var config = EngineSupport.defaultsWith(Config.Engine.defaults().leaseDuration(), LIMIT);
        // Each claimer with a store of its own, as each worker process has: their rounds overlap freely.
        var stores = new ArrayList<Database>();

        var rounds = new AtomicInteger();
        var start = new CountDownLatch(1);
        var threads = new ArrayList<Thread>();
        long end = System.nanoTime() + RACE.toNanos();
        for (int i = 0; i < CLAIMERS; i++) {
            String owner = "claimer-" + i;
            var store = Database.open(database.url(), Config.DATABASE_READ_TIMEOUT);
            stores.add(store);
            var engine =
                    new TaskEngine(store, new TaskRepository(store, List.of()), h -> {}, config, Clock.systemUTC());
            threads.add(Thread.ofPlatform().start(() -> {
                awaitQuietly(start);
                while (System.nanoTime() < end) {
                    // Claims and completions in rounds of their own: a claim then finds the user's slots freed by
                    // commits that may land while it runs.
                    var claims =
                            engine.rounds().run(owner, List.of(), LIMIT, TYPES).claims();
                    var done = claims.stream()
                            .map(claim -> (ClaimedTasks.Outcome) new ClaimedTasks.Completed(
                                    claim.task().id(), claim.attempt(), JsonNodeFactory.instance.objectNode()))
                            .toList();
                    engine.rounds().run(owner, done, 0, TYPES);
                    rounds.incrementAndGet();
                }
            }));
        }
        start.countDown();
        for (var thread : threads) {
            thread.join();
        }
        stores.forEach(Database::close);

        long completed = count(user, "completed");
        long most = database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COALESCE(MAX(running), 0) FROM running_seen")
                        .mapTo(Long.class)
                        .one());
        assertThat(queued).isEqualTo(3000);
        assertThat(completed).as("tasks run in %d rounds", rounds.get()).isGreaterThan(100);
        assertThat(most).as("the user's running tasks at any time").isLessThanOrEqualTo(LIMIT);
    }

    private long count(String user, String phase) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM tasks WHERE user_id = :user AND phase = :phase")
                        .bind("user", user)
                        .bind("phase", phase)
                        .mapTo(Long.class)
                        .one());
    }

    /** One task through the API, and copies of it straight into the table (the API would take far longer). */
    private void queue(String user, int count) {
        String first = EngineSupport.createExportTask(server, user, "{}");
        String columns = "type, user_id, project_id, input_asset_id, output_asset_id, requester_id, created_at, "
                + "scheduled_at, params, phase, updated_at, progress, error_message, retries, step, output, run_after";
        database.jdbi()
                .useHandle(
                        h -> h.createUpdate("INSERT INTO tasks (id, " + columns + ") SELECT gen_random_uuid()::text, "
                                        + columns + " FROM tasks, generate_series(2, :count) WHERE id = :id")
                                .bind("count", count)
                                .bind("id", first)
                                .execute());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
