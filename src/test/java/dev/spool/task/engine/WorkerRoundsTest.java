package dev.spool.task.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.spool.config.Config;
import dev.spool.db.Database;
import dev.spool.json.Json;
import dev.spool.task.Task;
import dev.spool.task.TaskEvent;
import dev.spool.task.TaskObserver;
import dev.spool.task.TaskPhase;
import dev.spool.task.TaskRepository;
import dev.spool.task.TaskType;
import dev.spool.testing.BothStores;
import dev.spool.testing.SharedServers;
import dev.spool.testing.Store;
import dev.spool.testing.TestServer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/**
 * A worker's rounds, on SQLite and PostgreSQL: batch claims that never hand one task to two workers and respect both
 * the worker's slots and each user's running limit, users served in turn within a batch, grouped outcomes each under
 * its own fence, and the outbox in order. The server runs no workers: the test is the only claimer.
 */
@BothStores
class WorkerRoundsTest {
    private static final List<TaskType> TYPES = List.of(TaskType.EXPORT_DATA);

    @RegisterExtension
    static final SharedServers servers = new SharedServers();

    @Parameter
    Store store;

    TestServer server;
    Database database;

    @BeforeEach
    void connect() {
        server = servers.on(store);
        database = server.server().database();
        // Each test claims only its own tasks: whatever an earlier test left queued or running is ended.
        database.jdbi()
                .useHandle(h -> h.execute("UPDATE tasks SET phase = 'cancelled', lease_owner = NULL "
                        + "WHERE phase IN ('waiting', 'running')"));
    }

    private TaskEngine engine(int maxRunningPerUser, List<TaskObserver> observers) {
        var config = EngineSupport.defaultsWith(Config.Engine.defaults().leaseDuration(), maxRunningPerUser);
        return new TaskEngine(database, new TaskRepository(database, observers), h -> {}, config, Clock.systemUTC());
    }

    private String newUser(String name) {
        return server.createUserKey(name + "-" + System.nanoTime() + "@example.com")
                .userId();
    }

    private List<String> create(String userId, int count) {
        var ids = new ArrayList<String>();
        for (int i = 0; i < count; i++) {
            ids.add(EngineSupport.createExportTask(server, userId, "{}"));
        }
        return ids;
    }

    private Task task(String id) {
        return database.jdbi()
                .withHandle(h -> new TaskRepository(database, List.of()).find(h, id))
                .orElseThrow();
    }

    private static List<String> ids(List<TaskClaims.Claim> claims) {
        return claims.stream().map(c -> c.task().id()).toList();
    }

    @Test
    void twoWorkersClaimingInBatchesNeverShareATaskAndNoBatchExceedsItsSlots() throws Exception {
        var engine = engine(100, List.of());
        String user = newUser("batch");
        var created = create(user, 30);
        var claimedBy = new ConcurrentHashMap<String, List<String>>();
        var batches = Collections.synchronizedList(new ArrayList<Integer>());
        var start = new CountDownLatch(1);
        var threads = new ArrayList<Thread>();
        var failures = new AtomicInteger();
        for (String worker : List.of("worker-a", "worker-b")) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    int empty = 0;
                    while (empty < 20) {
                        var claims =
                                engine.rounds().run(worker, List.of(), 4, TYPES).claims();
                        batches.add(claims.size());
                        empty = claims.isEmpty() ? empty + 1 : 0;
                        for (String id : ids(claims)) {
                            claimedBy
                                    .computeIfAbsent(id, k -> Collections.synchronizedList(new ArrayList<>()))
                                    .add(worker);
                        }
                    }
                } catch (Exception | AssertionError e) {
                    failures.incrementAndGet();
                    throw new IllegalStateException(e);
                }
            }));
        }
        start.countDown();
        for (var thread : threads) {
            thread.join();
        }

        assertThat(failures).hasValue(0);
        assertThat(batches).allSatisfy(size -> assertThat(size).isBetween(0, 4));
        assertThat(claimedBy.keySet()).containsExactlyInAnyOrderElementsOf(created);
        assertThat(claimedBy.values()).allSatisfy(workers -> assertThat(workers).hasSize(1));
        for (String id : created) {
            assertThat(task(id).status().phase()).isEqualTo(TaskPhase.RUNNING);
        }
    }

    @Test
    void aBatchTakesNoMoreThanTheUsersRunningLimitAndOldestDueFirst() {
        var engine = engine(3, List.of());
        String user = newUser("limit");
        var created = create(user, 6);

        var first = engine.rounds().run("worker", List.of(), 8, TYPES).claims();
        var second = engine.rounds().run("worker", List.of(), 8, TYPES).claims();

        assertThat(ids(first)).containsExactlyElementsOf(created.subList(0, 3));
        assertThat(first).allSatisfy(c -> assertThat(c.attempt()).isEqualTo(1));
        assertThat(second).as("the user already runs its limit of 3").isEmpty();
        var completions = first.stream()
                .map(c -> (ClaimedTasks.Outcome)
                        new ClaimedTasks.Completed(c.task().id(), c.attempt(), JsonNodeFactory.instance.objectNode()))
                .toList();
        var next = engine.rounds().run("worker", completions, 8, TYPES);
        assertThat(next.outcomes()).containsOnly(WorkerRounds.Written.WRITTEN);
        assertThat(ids(next.claims()))
                .as("the slots freed in the round are refilled in it")
                .containsExactlyElementsOf(created.subList(3, 6));
    }

    @Test
    void theSlotsOfABatchAreDealtToUsersInTurn() {
        var engine = engine(100, List.of());
        String first = newUser("first");
        String second = newUser("second");
        var firstTasks = create(first, 4);
        var secondTasks = create(second, 4);
        // Both users wait with the same (oldest) turn: one of them is served first, then it is the other's turn.
        var warmUp = ids(engine.rounds().run("worker", List.of(), 1, TYPES).claims());
        assertThat(warmUp).hasSize(1);
        var otherTasks = firstTasks.contains(warmUp.getFirst()) ? secondTasks : firstTasks;

        var claims = ids(engine.rounds().run("worker", List.of(), 4, TYPES).claims());

        assertThat(otherTasks)
                .as("the first claimed of %s is the other user's", claims)
                .contains(claims.getFirst());
        var claimedFirst = claims.stream().filter(firstTasks::contains).count();
        var claimedSecond = claims.stream().filter(secondTasks::contains).count();
        assertThat(claims).hasSize(4);
        assertThat(claimedFirst).as("claimed %s", claims).isEqualTo(2);
        assertThat(claimedSecond).as("claimed %s", claims).isEqualTo(2);
    }

    @Test
    void aUserWithFewerDueTasksThanItsShareLeavesTheRestOfTheSlotsToTheOthers() {
        var engine = engine(4, List.of());
        String few = newUser("few");
        String many = newUser("many");
        var fewTasks = create(few, 1);
        var manyTasks = create(many, 6);

        var claims = ids(engine.rounds().run("worker", List.of(), 4, TYPES).claims());

        assertThat(claims)
                .as("4 free slots, one user with a single due task, the other with 6 and a limit of 4")
                .hasSize(4)
                .containsAll(fewTasks)
                .containsAll(manyTasks.subList(0, 3));
    }

    @Test
    void aGroupedOutcomeWhoseFenceFailsLeavesTheOthersWritten() {
        var engine = engine(100, List.of());
        String user = newUser("fence");
        var created = create(user, 3);
        var claims = engine.rounds().run("worker", List.of(), 3, TYPES).claims();
        assertThat(ids(claims)).containsExactlyElementsOf(created);
        // The second task is cancelled while its handler runs: that attempt's fence no longer holds.
        database.jdbi()
                .useTransaction(h -> engine.commands().cancelUnfinished(h, created.get(1), "cancelled by the test"));

        var round = engine.rounds()
                .run(
                        "worker",
                        List.of(
                                new ClaimedTasks.Completed(created.get(0), 1, JsonNodeFactory.instance.objectNode()),
                                new ClaimedTasks.Completed(created.get(1), 1, JsonNodeFactory.instance.objectNode()),
                                new ClaimedTasks.Failed(
                                        created.get(2), 1, TaskFailure.unretriable("scripted", "scripted failure"))),
                        0,
                        TYPES);

        assertThat(round.outcomes())
                .containsExactly(
                        WorkerRounds.Written.WRITTEN, WorkerRounds.Written.FENCED, WorkerRounds.Written.WRITTEN);
        assertThat(task(created.get(0)).status().phase()).isEqualTo(TaskPhase.COMPLETED);
        assertThat(task(created.get(1)).status().phase()).isEqualTo(TaskPhase.CANCELLED);
        assertThat(task(created.get(2)).status().phase()).isEqualTo(TaskPhase.FAILED);
        assertThat(task(created.get(2)).status().errorMessage()).isEqualTo("scripted failure");
    }

    /** An observer that fails the write of the completion of each task in {@code broken}. */
    private static TaskObserver failingToComplete(Set<String> broken) {
        return (h, task, kind) -> {
            if (kind == TaskEvent.Kind.COMPLETED && broken.contains(task.id())) {
                throw new IllegalStateException("scripted failure of the write of " + task.id());
            }
        };
    }

    @Test
    void aGroupedRoundThatFailsWritesEachOutcomeAloneSoOneBrokenWriteLosesNoOther() {
        Set<String> broken = ConcurrentHashMap.newKeySet();
        var engine = engine(100, List.of(failingToComplete(broken)));
        String user = newUser("broken");
        var created = create(user, 3);
        engine.rounds().run("worker", List.of(), 3, TYPES);
        broken.add(created.get(1));

        var round = engine.rounds()
                .run(
                        "worker",
                        created.stream()
                                .map(id -> (ClaimedTasks.Outcome)
                                        new ClaimedTasks.Completed(id, 1, JsonNodeFactory.instance.objectNode()))
                                .toList(),
                        0,
                        TYPES);

        assertThat(round.outcomes())
                .containsExactly(
                        WorkerRounds.Written.WRITTEN, WorkerRounds.Written.FAILED, WorkerRounds.Written.WRITTEN);
        assertThat(task(created.get(0)).status().phase()).isEqualTo(TaskPhase.COMPLETED);
        assertThat(task(created.get(1)).status().phase()).isEqualTo(TaskPhase.RUNNING);
        assertThat(task(created.get(2)).status().phase()).isEqualTo(TaskPhase.COMPLETED);
    }

    @Test
    void theOutboxOfGroupedRoundsHoldsEachTasksEventsInOrder() {
        var engine = engine(100, List.of());
        var repository = new TaskRepository(database, List.of());
        String user = newUser("outbox");
        var created = create(user, 3);
        var atCreation = new HashMap<String, Integer>();
        created.forEach(id -> atCreation.put(id, repository.eventsAfter(id, 0).size()));
        var claims = engine.rounds().run("worker", List.of(), 3, TYPES).claims();
        engine.rounds()
                .run(
                        "worker",
                        claims.stream()
                                .map(c -> (ClaimedTasks.Outcome) new ClaimedTasks.Completed(
                                        c.task().id(), c.attempt(), JsonNodeFactory.instance.objectNode()))
                                .toList(),
                        0,
                        TYPES);

        var phases = new HashSet<List<String>>();
        for (String id : created) {
            int before = atCreation.get(id);
            var events = repository.eventsAfter(id, before);
            assertThat(events.stream().map(TaskEvent::seq)).containsExactly(before + 1, before + 2, before + 3);
            assertThat(events.stream().map(TaskEvent::kind))
                    .containsExactly(TaskEvent.Kind.UPDATED, TaskEvent.Kind.UPDATED, TaskEvent.Kind.COMPLETED);
            phases.add(events.stream()
                    .map(e ->
                            Json.tree(e.snapshot()).path("status").path("phase").asText())
                    .toList());
        }
        assertThat(phases).containsExactly(List.of("running", "completed", "completed"));
    }

    private static ClaimedTasks.Outcome completed(String id, int attempt) {
        return new ClaimedTasks.Completed(id, attempt, JsonNodeFactory.instance.objectNode());
    }

    @Test
    void aRoundThatClaimsBesideItsCompletionsRefillsExactlyTheSlotsTheWrittenOnesFreed() {
        var engine = engine(2, List.of());
        String user = newUser("refill");
        var created = create(user, 4);
        assertThat(ids(engine.rounds().run("worker", List.of(), 2, TYPES).claims()))
                .containsExactlyElementsOf(created.subList(0, 2));

        var round = engine.rounds()
                .run("worker", List.of(completed(created.get(0), 1), completed(created.get(1), 2)), 2, TYPES);

        assertThat(round.outcomes()).containsExactly(WorkerRounds.Written.WRITTEN, WorkerRounds.Written.FENCED);
        assertThat(ids(round.claims()))
                .as("the user runs at most 2 and the fenced task still runs")
                .containsExactly(created.get(2));
        assertThat(task(created.get(0)).status().phase()).isEqualTo(TaskPhase.COMPLETED);
        assertThat(task(created.get(1)).status().phase()).isEqualTo(TaskPhase.RUNNING);
        assertThat(task(created.get(3)).status().phase()).isEqualTo(TaskPhase.WAITING);
    }

    /**
     * A round that completed the first two of four tasks and claimed the others failed, the second's write failing
     * again alone: only the first is completed, and nothing the round claimed is kept.
     */
    private void theFirstWasWrittenAloneAndNothingElseOfTheRoundHeld(WorkerRounds.Result round, List<String> created) {
        assertThat(round.outcomes()).containsExactly(WorkerRounds.Written.WRITTEN, WorkerRounds.Written.FAILED);
        assertThat(round.claims()).isEmpty();
        assertThat(task(created.get(0)).status().phase()).isEqualTo(TaskPhase.COMPLETED);
        assertThat(task(created.get(1)).status().phase()).isEqualTo(TaskPhase.RUNNING);
        assertThat(task(created.get(2)).status().phase()).isEqualTo(TaskPhase.WAITING);
        assertThat(task(created.get(3)).status().phase()).isEqualTo(TaskPhase.WAITING);
    }

    @Test
    void aRoundThatFailsAfterItClaimedGivesTheClaimsBack_andWritesEachOutcomeAlone() {
        Set<String> broken = ConcurrentHashMap.newKeySet();
        var engine = engine(100, List.of(failingToComplete(broken)));
        String user = newUser("broken-claim");
        var created = create(user, 4);
        engine.rounds().run("worker", List.of(), 2, TYPES);
        broken.add(created.get(1));

        var round = engine.rounds()
                .run("worker", List.of(completed(created.get(0), 1), completed(created.get(1), 1)), 2, TYPES);

        theFirstWasWrittenAloneAndNothingElseOfTheRoundHeld(round, created);
    }

    /** Makes the store refuse every outbox event of one task, until the returned handle is closed. */
    private AutoCloseable refusingEventsOf(String taskId) {
        var trigger = "refuse_events_" + Integer.toUnsignedString(taskId.hashCode());
        if (store == Store.POSTGRES) {
            database.jdbi().useHandle(h -> {
                h.execute("CREATE FUNCTION " + trigger + "() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION "
                        + "'events of this task are refused'; END $$ LANGUAGE plpgsql");
                h.execute("CREATE TRIGGER " + trigger + " BEFORE INSERT ON task_events FOR EACH ROW WHEN "
                        + "(NEW.task_id = '" + taskId + "') EXECUTE FUNCTION " + trigger + "()");
            });
            return () -> database.jdbi().useHandle(h -> {
                h.execute("DROP TRIGGER " + trigger + " ON task_events");
                h.execute("DROP FUNCTION " + trigger + "()");
            });
        }
        database.jdbi()
                .useHandle(h -> h.execute("CREATE TRIGGER " + trigger + " BEFORE INSERT ON task_events WHEN "
                        + "NEW.task_id = '" + taskId + "' BEGIN SELECT RAISE(ABORT, 'events of this task are "
                        + "refused'); END"));
        return () -> database.jdbi().useHandle(h -> h.execute("DROP TRIGGER " + trigger));
    }

    @Test
    void aRoundWhoseLastStatementFailsCommitsNothingOfIt_andWritesEachOutcomeAlone() throws Exception {
        var engine = engine(100, List.of());
        String user = newUser("refused-events");
        var created = create(user, 4);
        engine.rounds().run("worker", List.of(), 2, TYPES);

        WorkerRounds.Result round;
        try (var refused = refusingEventsOf(created.get(1))) {
            round = engine.rounds()
                    .run("worker", List.of(completed(created.get(0), 1), completed(created.get(1), 1)), 2, TYPES);
        }

        theFirstWasWrittenAloneAndNothingElseOfTheRoundHeld(round, created);
    }

    @Test
    void onPostgresARoundIsCommittedWithItsEvents_onSqliteByItsOwnCommit() {
        var repository = new TaskRepository(database, List.of());
        String id = create(newUser("commit-with-events"), 1).getFirst();
        int eventsBefore = repository.eventsAfter(id, 0).size();
        var seenBeforeItsCommit = new ArrayList<String>();

        database.jdbi().useTransaction(h -> {
            repository.batchedUpToCommit(h, () -> {
                h.execute("UPDATE tasks SET step = 'marked' WHERE id = ?", id);
                return repository.record(
                        h, repository.find(h, id).orElseThrow(), TaskEvent.Kind.UPDATED, System.currentTimeMillis());
            });
            // Another thread: Jdbi would lend this thread's open handle to a nested read.
            seenBeforeItsCommit.addAll(CompletableFuture.supplyAsync(() -> List.of(
                            String.valueOf(task(id).status().step()),
                            String.valueOf(repository.eventsAfter(id, 0).size() - eventsBefore)))
                    .join());
        });

        assertThat(seenBeforeItsCommit)
                .as("what another connection saw once the events were written, before the transaction's commit")
                .containsExactlyElementsOf(store == Store.POSTGRES ? List.of("marked", "1") : List.of("null", "0"));
        assertThat(task(id).status().step()).isEqualTo("marked");
        assertThat(repository.eventsAfter(id, eventsBefore)).hasSize(1);
    }

    @Test
    void completionsWrittenTogetherAreEachFencedByTheirOwnAttempt_andTheFencedOnesAreReported() {
        var engine = engine(100, List.of());
        var repository = new TaskRepository(database, List.of());
        String user = newUser("together");
        var created = create(user, 4);
        assertThat(ids(engine.rounds().run("worker", List.of(), 4, TYPES).claims()))
                .containsExactlyElementsOf(created);
        database.jdbi()
                .useTransaction(h -> engine.commands().cancelUnfinished(h, created.get(3), "cancelled by the test"));
        int eventsOfTheSecond = repository.eventsAfter(created.get(1), 0).size();

        var round = engine.rounds()
                .run(
                        "worker",
                        List.of(
                                completed(created.get(0), 1),
                                completed(created.get(1), 2),
                                completed(created.get(2), 1),
                                completed(created.get(3), 1)),
                        0,
                        TYPES);

        assertThat(round.outcomes())
                .containsExactly(
                        WorkerRounds.Written.WRITTEN,
                        WorkerRounds.Written.FENCED,
                        WorkerRounds.Written.WRITTEN,
                        WorkerRounds.Written.FENCED);
        assertThat(task(created.get(0)).status().phase()).isEqualTo(TaskPhase.COMPLETED);
        assertThat(task(created.get(1)).status().phase())
                .as("attempt 2 is not the attempt running")
                .isEqualTo(TaskPhase.RUNNING);
        assertThat(task(created.get(2)).status().phase()).isEqualTo(TaskPhase.COMPLETED);
        assertThat(task(created.get(3)).status().phase()).isEqualTo(TaskPhase.CANCELLED);
        assertThat(repository.eventsAfter(created.get(1), 0)).hasSize(eventsOfTheSecond);
        var byAnother = engine.rounds().run("another-worker", List.of(completed(created.get(1), 1)), 0, TYPES);
        assertThat(byAnother.outcomes())
                .as("a completion under another worker's lease")
                .containsExactly(WorkerRounds.Written.FENCED);
    }

    @Test
    void aRoundThatCompletesSomeTasksAndClaimsOthersRecordsEachChangeOnceAndInOrder() {
        var told = Collections.synchronizedList(new ArrayList<String>());
        TaskObserver recording = new TaskObserver() {
            @Override
            public void changed(org.jdbi.v3.core.Handle h, Task task, TaskEvent.Kind kind) {
                told.add(task.id() + " " + kind.wire() + " "
                        + task.status().phase().wire());
            }

            @Override
            public void claimed(org.jdbi.v3.core.Handle h, Task task, long dueAt) {
                told.add(task.id() + " claimed");
            }
        };
        var engine = engine(100, List.of(recording));
        var repository = new TaskRepository(database, List.of());
        String user = newUser("mixed");
        var created = create(user, 6);
        var atCreation = new HashMap<String, Integer>();
        created.forEach(id -> atCreation.put(id, repository.eventsAfter(id, 0).size()));
        var first = engine.rounds().run("worker", List.of(), 3, TYPES).claims();
        assertThat(ids(first)).containsExactlyElementsOf(created.subList(0, 3));
        told.clear();

        var round = engine.rounds()
                .run(
                        "worker",
                        first.stream()
                                .map(c -> completed(c.task().id(), c.attempt()))
                                .toList(),
                        3,
                        TYPES);

        assertThat(round.outcomes()).containsOnly(WorkerRounds.Written.WRITTEN);
        assertThat(ids(round.claims())).containsExactlyElementsOf(created.subList(3, 6));
        var expected = new ArrayList<String>();
        for (String id : created.subList(0, 3)) {
            expected.add(id + " task.updated completed");
            expected.add(id + " task.completed completed");
        }
        for (String id : created.subList(3, 6)) {
            expected.add(id + " task.updated running");
            expected.add(id + " claimed");
        }
        assertThat(told).containsExactlyElementsOf(expected);
        for (String id : created) {
            int before = atCreation.get(id);
            var events = repository.eventsAfter(id, before);
            var kinds = created.subList(0, 3).contains(id)
                    ? List.of(TaskEvent.Kind.UPDATED, TaskEvent.Kind.UPDATED, TaskEvent.Kind.COMPLETED)
                    : List.of(TaskEvent.Kind.UPDATED);
            assertThat(events.stream().map(TaskEvent::kind)).as(id).containsExactlyElementsOf(kinds);
            assertThat(events.stream().map(TaskEvent::seq))
                    .as("%s numbered on from its %d events at creation", id, before)
                    .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(before + 1, before + kinds.size())
                            .boxed()
                            .toList());
        }
    }
}
