package dev.spool.task.engine;

import static dev.spool.task.engine.TaskTransitions.CLEAR_ERROR;
import static dev.spool.task.engine.TaskTransitions.CLEAR_LEASE;
import static dev.spool.task.engine.TaskTransitions.CLEAR_PROGRESS;
import static dev.spool.task.engine.TaskTransitions.FENCE;
import static dev.spool.task.engine.TaskTransitions.RETURNING;
import static dev.spool.task.engine.TaskTransitions.phaseIs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.config.Config;
import dev.spool.db.Bound;
import dev.spool.db.Database;
import dev.spool.db.Returning;
import dev.spool.json.Json;
import dev.spool.task.Task;
import dev.spool.task.TaskEvent;
import dev.spool.task.TaskPhase;
import dev.spool.task.TaskRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.Argument;

/**
 * What a worker writes about a task it claimed (progress, outcome, release, lease renewal), each fenced by (attempt,
 * lease owner, phase running): a worker that lost its lease changes nothing. Outcomes are written in the caller's
 * transaction ({@link #write}), so a worker can group those of runs that ended close together.
 */
final class ClaimedTasks {
    private static final String WAITING = phaseIs(TaskPhase.WAITING);
    private static final String RUNNING = phaseIs(TaskPhase.RUNNING);

    private final Jdbi jdbi;
    private final TaskTransitions transitions;
    private final Config.Engine config;
    private final Clock clock;

    ClaimedTasks(Database database, TaskTransitions transitions, Config.Engine config, Clock clock) {
        this.jdbi = database.jdbi();
        this.transitions = transitions;
        this.config = config;
        this.clock = clock;
    }

    /** Writes progress (never backwards) and the step; false when the lease is gone. */
    boolean progress(String owner, String id, int attempt, double progress, String step) {
        long now = clock.millis();
        return jdbi.inTransaction(h -> h.createQuery("UPDATE tasks SET progress = CASE WHEN progress IS NULL "
                        + "OR progress < :progress THEN :progress ELSE progress END, step = :step, updated_at = :now"
                        + FENCE + RETURNING)
                .bindMap(fence(owner, id, attempt))
                .bind("progress", Math.max(0, Math.min(1, progress)))
                .bind("step", step)
                .bind("now", now)
                .map(TaskRepository.MAPPER)
                .findOne()
                .map(task -> transitions.record(h, task, TaskEvent.Kind.UPDATED, now))
                .isPresent());
    }

    boolean complete(String owner, String id, int attempt, JsonNode output) {
        return jdbi.inTransaction(h -> write(h, owner, new Completed(id, attempt, output)));
    }

    /** An attempt failed: retried after back-off while retriable and retries remain, failed otherwise. */
    boolean fail(String owner, String id, int attempt, TaskFailure failure) {
        return jdbi.inTransaction(h -> write(h, owner, new Failed(id, attempt, failure)));
    }

    /** Shutdown: gives a running task back to the queue at once, without counting a retry. */
    boolean release(String owner, String id, int attempt) {
        return jdbi.inTransaction(h -> write(h, owner, new Released(id, attempt)));
    }

    /** How one attempt of a task ended, to be written under that attempt's fence. */
    sealed interface Outcome permits Completed, Failed, Released {
        String taskId();

        int attempt();
    }

    /** The handler returned its output. */
    record Completed(String taskId, int attempt, JsonNode output) implements Outcome {}

    /** The handler failed. */
    record Failed(String taskId, int attempt, TaskFailure failure) implements Outcome {}

    /** The handler was stopped while the task was still this worker's (shutdown): back to the queue. */
    record Released(String taskId, int attempt) implements Outcome {}

    /**
     * Writes an outcome in the caller's transaction, beside any others: its own fenced statements and outbox events,
     * so one whose fence fails (the lease was lost) changes nothing and leaves the rest of the transaction alone.
     * False when the fence failed.
     */
    boolean write(Handle h, String owner, Outcome outcome) {
        long now = clock.millis();
        if (outcome instanceof Completed completed) {
            return completeAll(h, owner, List.of(completed), now).getFirst();
        }
        var fence = fence(owner, outcome.taskId(), outcome.attempt());
        if (outcome instanceof Failed failed) {
            return fail(h, fence, failed.failure(), now);
        }
        return release(h, fence, now);
    }

    /**
     * Writes several outcomes in the caller's transaction, each under its own fence, and answers, in the order given,
     * which were written (false: that one's fence failed and it changed nothing). The completions, the common case,
     * share one UPDATE; failures and releases are written one by one.
     */
    List<Boolean> writeAll(Handle h, String owner, List<Outcome> outcomes) {
        var completions = completions(outcomes);
        var completed = new HashMap<String, Boolean>();
        if (!completions.isEmpty()) {
            var written = completeAll(h, owner, completions, clock.millis());
            for (int i = 0; i < completions.size(); i++) {
                completed.put(completions.get(i).taskId(), written.get(i));
            }
        }
        var written = new ArrayList<Boolean>();
        for (var outcome : outcomes) {
            written.add(outcome instanceof Completed ? completed.get(outcome.taskId()) : write(h, owner, outcome));
        }
        return written;
    }

    /** The outcomes that are completions, in the order given. */
    static List<Completed> completions(List<Outcome> outcomes) {
        return outcomes.stream()
                .filter(Completed.class::isInstance)
                .map(Completed.class::cast)
                .toList();
    }

    private List<Boolean> completeAll(Handle h, String owner, List<Completed> completions, long now) {
        return completed(h, completions, completion(owner, completions, now).run(h), now);
    }

    /**
     * The statement that completes every task whose fence holds: the id, with that task's own attempt, under this
     * owner's lease, still running. It answers the tasks it completed, for {@link #completed}. It binds {@code owner}
     * and {@code now} by those names: a statement sent with it ({@link Returning#together}) may use them too.
     */
    Returning<Task> completion(String owner, List<Completed> completions, long now) {
        String set = "UPDATE tasks SET " + phaseIs(TaskPhase.COMPLETED) + ", output = ";
        String cleared = ", " + CLEAR_PROGRESS + ", " + CLEAR_ERROR + ", updated_at = :now, " + CLEAR_LEASE;
        if (completions.size() == 1) {
            var only = completions.getFirst();
            return new Returning<>(
                    set + ":output" + cleared + FENCE + RETURNING,
                    q -> q.bindMap(fence(owner, only.taskId(), only.attempt()))
                            .bind("now", now)
                            .bind("output", Bound.text(output(only))),
                    TaskRepository.MAPPER);
        }
        var attempts = new StringBuilder("CASE id");
        var outputs = new StringBuilder("CASE id");
        var binds = new HashMap<String, Argument>();
        for (int i = 0; i < completions.size(); i++) {
            var completion = completions.get(i);
            attempts.append(" WHEN :id").append(i).append(" THEN :attempt").append(i);
            outputs.append(" WHEN :id").append(i).append(" THEN :output").append(i);
            binds.put("id" + i, Bound.text(completion.taskId()));
            binds.put("attempt" + i, Bound.number(completion.attempt()));
            binds.put("output" + i, Bound.text(output(completion)));
        }
        return new Returning<>(
                set + outputs + " END" + cleared + " WHERE id IN (<ids>) AND attempt = " + attempts
                        + " END AND lease_owner = :owner AND " + RUNNING + RETURNING,
                q -> {
                    q.bindList(
                                    "ids",
                                    completions.stream().map(Completed::taskId).toList())
                            .bind("owner", owner)
                            .bind("now", now);
                    binds.forEach(q::bind);
                },
                TaskRepository.MAPPER);
    }

    /**
     * Records the tasks the {@link #completion} statement completed (its rows), in the order given, as one at a time
     * would have, and answers in that order which were written: the others' fence failed.
     */
    List<Boolean> completed(Handle h, List<Completed> completions, List<Task> rows, long now) {
        var byId = new HashMap<String, Task>();
        rows.forEach(task -> byId.put(task.id(), task));
        var written = new ArrayList<Boolean>();
        for (var completion : completions) {
            var task = byId.get(completion.taskId());
            if (task != null) {
                transitions.ended(h, task, TaskEvent.Kind.COMPLETED, now);
            }
            written.add(task != null);
        }
        return written;
    }

    private static String output(Completed completion) {
        return completion.output() == null ? null : Json.write(completion.output());
    }

    private boolean fail(Handle h, Map<String, Object> fence, TaskFailure failure, long now) {
        var current = h.createQuery("SELECT retries FROM tasks" + FENCE)
                .bindMap(fence)
                .mapTo(Integer.class)
                .findOne();
        if (current.isEmpty()) {
            return false;
        }
        int retries = current.get() == null ? 0 : current.get();
        String message = failure.getMessage() == null ? "internal error processing the task" : failure.getMessage();
        if (failure.retriable() && retries < config.maxRetries()) {
            long runAfter = now + retryDelay(retries + 1).toMillis();
            return transitions
                    .requeue(h, FENCE, fence, retries + 1, message, failure.code(), runAfter, now)
                    .isPresent();
        }
        return transitions.fail(h, FENCE, fence, message, failure.code(), now).isPresent();
    }

    private boolean release(Handle h, Map<String, Object> fence, long now) {
        return h.createQuery("UPDATE tasks SET " + WAITING + ", run_after = :now, " + CLEAR_PROGRESS + ", "
                        + CLEAR_LEASE + ", updated_at = :now" + FENCE + RETURNING)
                .bindMap(fence)
                .bind("now", now)
                .map(TaskRepository.MAPPER)
                .findOne()
                .map(task -> {
                    transitions.queued(h);
                    return transitions.record(h, task, TaskEvent.Kind.UPDATED, now);
                })
                .isPresent();
    }

    /**
     * Extends the leases of the tasks this worker is actually running (not merely those it claimed: a run that
     * ended without a result must expire and be swept, never be kept alive). Answers how many it still holds.
     */
    int renewLeases(String owner, Collection<String> taskIds) {
        if (taskIds.isEmpty()) {
            return 0;
        }
        long now = clock.millis();
        return jdbi.withHandle(h -> h.createUpdate("UPDATE tasks SET lease_expires_at = :until "
                        + "WHERE lease_owner = :owner AND " + RUNNING + " AND id IN (<ids>)")
                .bind("until", now + config.leaseDuration().toMillis())
                .bind("owner", owner)
                .bindList("ids", List.copyOf(taskIds))
                .execute());
    }

    /** The (task id -> attempt) pairs this worker still legitimately runs. */
    Map<String, Integer> held(String owner) {
        return jdbi.withHandle(h -> h
                .createQuery("SELECT id, attempt FROM tasks WHERE lease_owner = :owner AND " + RUNNING)
                .bind("owner", owner)
                .map((rs, ctx) -> Map.entry(rs.getString("id"), rs.getInt("attempt")))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    Duration retryDelay(int retryNumber) {
        return retryNumber <= 1 ? config.firstRetryDelay() : config.laterRetryDelay();
    }

    private static Map<String, Object> fence(String owner, String id, int attempt) {
        return Map.of("id", id, "attempt", attempt, "owner", owner);
    }
}
