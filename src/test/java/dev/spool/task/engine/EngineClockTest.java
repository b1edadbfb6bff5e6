package dev.spool.task.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.spool.concurrent.WakeUp;
import dev.spool.config.Config;
import dev.spool.db.Database;
import dev.spool.task.Task;
import dev.spool.task.TaskPhase;
import dev.spool.task.TaskRepository;
import dev.spool.task.TaskType;
import dev.spool.testing.BothStores;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/**
 * The engine's timing on a clock the test moves, on SQLite and PostgreSQL, with Livepeer's defaults: retries after
 * 30 s then 3 min, 30 s leases, a 6 h run-time limit, a 24 h wait for a pending task's input. Each is checked one
 * millisecond before and one after it is due, in milliseconds of test time. The server runs no workers: the test
 * is the only claimer.
 */
@BothStores
class EngineClockTest {
    private static final Config.Engine CONFIG = Config.Engine.defaults();
    private static final List<TaskType> TYPES = List.of(TaskType.EXPORT_DATA);
    private static final String WORKER = "worker-under-test";
    private static final Duration MS = Duration.ofMillis(1);

    @RegisterExtension
    static final SharedServers servers = new SharedServers();

    @Parameter
    Store store;

    TestServer server;
    Database database;
    TaskRepository tasks;
    SettableClock clock;
    TaskEngine engine;
    String userId;

    @BeforeEach
    void engineOnASettableClock() {
        server = servers.on(store);
        database = server.server().database();
        tasks = new TaskRepository(database, List.of());
        clock = new SettableClock(Instant.now());
        engine = new TaskEngine(database, tasks, h -> {}, CONFIG, clock);
        userId = server.createUserKey("clock-" + System.nanoTime() + "@example.com")
                .userId();
    }

    /** A task created through the API, with the clock set to its creation. */
    private String create(boolean pending) {
        var response = server.admin()
                .post(
                        "/api/task",
                        Map.of(
                                "type",
                                "export-data",
                                "userId",
                                userId,
                                "pending",
                                pending,
                                "params",
                                Map.of("exportData", Map.of("content", Map.of()))));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        String id = response.json().path("id").asText();
        clock.set(Instant.ofEpochMilli(task(id).createdAt()));
        return id;
    }

    private Task task(String id) {
        return database.jdbi().withHandle(h -> tasks.find(h, id)).orElseThrow();
    }

    private String errorCode(String id) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT error_code FROM tasks WHERE id = :id")
                        .bind("id", id)
                        .mapTo(String.class)
                        .one());
    }

    private TaskClaims.Claim claim(String worker) {
        return engine.claims().claim(worker, TYPES).orElseThrow(() -> new AssertionError("nothing to claim"));
    }

    private static TaskFailure retriable() {
        return TaskFailure.retriable("scripted", "scripted retriable failure");
    }

    private static JsonNode output(String id) {
        return JsonNodeFactory.instance
                .objectNode()
                .set(
                        "exportData",
                        JsonNodeFactory.instance
                                .objectNode()
                                .set(
                                        "ipfs",
                                        JsonNodeFactory.instance.objectNode().put("cid", "done-" + id)));
    }

    @Test
    void aRetriableFailureWaitsThirtySecondsThenThreeMinutesBeforeEachRetryThenFails() {
        String id = create(false);
        assertThat(claim(WORKER).attempt()).isEqualTo(1);

        assertThat(engine.claimed().fail(WORKER, id, 1, retriable())).isTrue();
        clock.advance(Duration.ofSeconds(30).minus(MS));
        assertThat(engine.claims().claim(WORKER, TYPES)).isEmpty();
        clock.advance(MS);
        var second = claim(WORKER);

        assertThat(second.task().id()).isEqualTo(id);
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(engine.claimed().fail(WORKER, id, 2, retriable())).isTrue();
        clock.advance(Duration.ofMinutes(3).minus(MS));
        assertThat(engine.claims().claim(WORKER, TYPES)).isEmpty();
        clock.advance(MS);
        assertThat(claim(WORKER).attempt()).isEqualTo(3);

        assertThat(engine.claimed().fail(WORKER, id, 3, retriable())).isTrue();
        var failed = task(id);
        assertThat(failed.status().phase()).isEqualTo(TaskPhase.FAILED);
        assertThat(failed.status().retries()).isEqualTo(2);
        assertThat(failed.status().errorMessage()).isEqualTo("scripted retriable failure");
    }

    @Test
    void anExpiredLeaseIsRequeuedAsWorkerLostAndTheLosingWorkerCanNoLongerWrite() {
        String id = create(false);
        claim(WORKER);

        clock.advance(CONFIG.leaseDuration());
        assertThat(engine.sweep().sweep()).isZero();
        clock.advance(MS);
        assertThat(engine.sweep().sweep()).isEqualTo(1);

        var requeued = task(id);
        assertThat(requeued.status().phase()).isEqualTo(TaskPhase.WAITING);
        assertThat(requeued.status().retries()).isEqualTo(1);
        assertThat(errorCode(id)).isEqualTo("worker_lost");
        assertThat(engine.claimed().progress(WORKER, id, 1, 0.5, "late")).isFalse();
        assertThat(engine.claimed().complete(WORKER, id, 1, output(id))).isFalse();
        var retry = claim("another-worker");
        assertThat(retry.attempt()).isEqualTo(2);
        assertThat(engine.claimed().complete("another-worker", id, 2, output(id)))
                .isTrue();
        assertThat(task(id).status().phase()).isEqualTo(TaskPhase.COMPLETED);
    }

    @Test
    void aRenewedLeaseOutlivesItsFirstExpiry() {
        String id = create(false);
        claim(WORKER);

        clock.advance(CONFIG.leaseDuration().minus(MS));
        assertThat(engine.claimed().renewLeases(WORKER, List.of(id))).isEqualTo(1);
        clock.advance(CONFIG.leaseDuration().minus(MS));

        assertThat(engine.sweep().sweep()).isZero();
        assertThat(engine.claimed().held(WORKER)).containsEntry(id, 1);
        assertThat(engine.claimed().complete(WORKER, id, 1, output(id))).isTrue();
    }

    @Test
    void aTaskRunningLongerThanSixHoursFailsThoughItsLeaseIsRenewed() {
        String id = create(false);
        claim(WORKER);

        clock.advance(CONFIG.runTimeLimit().minus(MS));
        engine.claimed().renewLeases(WORKER, List.of(id));
        assertThat(engine.sweep().sweep()).isZero();
        clock.advance(MS.multipliedBy(2));
        engine.claimed().renewLeases(WORKER, List.of(id));
        assertThat(engine.sweep().sweep()).isEqualTo(1);

        var failed = task(id);
        assertThat(failed.status().phase()).isEqualTo(TaskPhase.FAILED);
        assertThat(failed.status().errorMessage()).isEqualTo("the task ran longer than its run-time limit of 6 h");
        assertThat(errorCode(id)).isEqualTo("run_time_exceeded");
        assertThat(engine.claimed().complete(WORKER, id, 1, output(id))).isFalse();
    }

    @Test
    void aWorkerStopsTheHandlerOfATaskThatExceededItsRunTimeLimit() throws InterruptedException {
        var started = new CountDownLatch(1);
        var interrupted = new CountDownLatch(1);
        TaskHandler blocking = new TaskHandler() {
            @Override
            public TaskType type() {
                return TaskType.EXPORT_DATA;
            }

            @Override
            public JsonNode run(Task task, TaskContext context) throws InterruptedException {
                started.countDown();
                try {
                    new CountDownLatch(1).await();
                    throw new AssertionError("unreachable: nothing counts this latch down");
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
            }
        };
        // A lease longer than the limit: the worker's own heartbeat runs on wall-clock time, so a jump of hours
        // must not expire the lease first (that is the worker-lost case, tested above).
        var longLease = EngineSupport.defaultsWith(CONFIG.runTimeLimit().plusHours(1), CONFIG.maxRunningPerUser());
        engine = new TaskEngine(database, tasks, h -> {}, longLease, clock);
        String id = create(false);
        var wakeUp = new WakeUp();
        var worker = new Worker(engine, List.of(blocking), wakeUp, 1, longLease).start();
        try {
            wakeUp.wake();
            assertThat(started.await(10, TimeUnit.SECONDS))
                    .as("the worker started the task")
                    .isTrue();

            clock.advance(CONFIG.runTimeLimit().plus(MS));
            engine.sweep().sweep();

            assertThat(interrupted.await(5, TimeUnit.SECONDS))
                    .as("the handler was interrupted")
                    .isTrue();
            assertThat(task(id).status().phase()).isEqualTo(TaskPhase.FAILED);
            assertThat(errorCode(id)).isEqualTo("run_time_exceeded");
        } finally {
            worker.shutdown(Duration.ZERO);
        }
    }

    @Test
    void aPendingTaskWhoseInputNeverArrivesFailsAfterTwentyFourHours() {
        String id = create(true);

        clock.advance(CONFIG.pendingTimeout());
        engine.sweep().sweep();
        assertThat(task(id).status().phase()).isEqualTo(TaskPhase.PENDING);
        clock.advance(MS);
        engine.sweep().sweep();

        var failed = task(id);
        assertThat(failed.status().phase()).isEqualTo(TaskPhase.FAILED);
        assertThat(failed.status().errorMessage())
                .isEqualTo("the task's input never arrived: nothing was uploaded within 24 h");
        assertThat(errorCode(id)).isEqualTo("input_timeout");
    }

    @Test
    void aQueuedTaskNoWorkerTakesFailsAfterThePendingTimeoutNamingWhy() {
        String id = create(false);

        clock.advance(CONFIG.pendingTimeout());
        engine.sweep().sweep();
        assertThat(task(id).status().phase()).isEqualTo(TaskPhase.WAITING);
        clock.advance(MS);
        engine.sweep().sweep();

        var failed = task(id);
        assertThat(failed.status().phase()).isEqualTo(TaskPhase.FAILED);
        assertThat(failed.status().errorMessage())
                .isEqualTo("no worker took the task within 24 h: no running Spool process handles tasks of this type");
        assertThat(errorCode(id)).isEqualTo("no_worker");
    }
}
