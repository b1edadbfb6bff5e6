package dev.spool.task.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.account.Principal;
import dev.spool.config.Config;
import dev.spool.db.Database;
import dev.spool.db.Dialect;
import dev.spool.error.SpoolException;
import dev.spool.json.Json;
import dev.spool.task.QueueSignal;
import dev.spool.task.Task;
import dev.spool.task.TaskEvent;
import dev.spool.task.TaskRepository;
import dev.spool.task.TaskType;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every state transition of the task engine, each one SQL transaction that also appends its outbox events.
 * A worker's writes are fenced by (attempt, lease owner, phase running): a worker that lost its lease changes
 * nothing.
 */
public final class TaskStore {
    private static final String FENCE = " WHERE id = :id AND attempt = :attempt AND lease_owner = :owner "
            + "AND phase = 'running'";

    private final Jdbi jdbi;
    private final Dialect dialect;
    private final TaskRepository tasks;
    private final QueueSignal signal;
    private final Config.Engine config;
    private final Clock clock;

    public TaskStore(Database database, TaskRepository tasks, QueueSignal signal, Config.Engine config, Clock clock) {
        this.jdbi = database.jdbi();
        this.dialect = database.dialect();
        this.tasks = tasks;
        this.signal = signal;
        this.config = config;
        this.clock = clock;
    }

    /** A task this worker now runs, with the attempt number that fences its writes. */
    public record Claim(Task task, int attempt) {
    }

    /**
     * Moves the most deserving due task to {@code running} under a lease. Users take turns (the one whose last
     * claim is oldest goes first) and none runs more than its limit at once.
     */
    Optional<Claim> claim(String owner, Collection<TaskType> types) {
        if (types.isEmpty()) {
            return Optional.empty();
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            var claimed = tryClaim(owner, types);
            if (claimed == null) {
                continue;
            }
            if (claimed.isPresent() || dialect != Dialect.POSTGRES || !claimableWorkExists(types)) {
                return claimed;
            }
            // Another process holds the row locks of the user whose turn it is; its commit moves the turn on.
            pauseBriefly();
        }
        return Optional.empty();
    }

    private boolean claimableWorkExists(Collection<TaskType> types) {
        long now = clock.millis();
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM users u WHERE EXISTS (SELECT 1 FROM tasks w "
                        + "WHERE w.user_id = u.id AND w.phase = 'waiting' AND w.run_after <= :now AND w.type IN (<types>)) "
                        + "AND (SELECT COUNT(*) FROM tasks r WHERE r.user_id = u.id AND r.phase = 'running') < :maxRunning")
                .bind("now", now).bind("maxRunning", config.maxRunningPerUser())
                .bindList("types", types.stream().map(TaskType::wire).toList())
                .mapTo(Integer.class).one() > 0);
    }

    private static void pauseBriefly() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One claim; null when a concurrent claimer won the user's last running slot and this one must look again. */
    private Optional<Claim> tryClaim(String owner, Collection<TaskType> types) {
        long now = clock.millis();
        // The user first (whose turn it is: the oldest last claim among users with due work and a free running
        // slot), then that user's oldest due task. Both steps are index probes, whatever the backlog.
        String sql = "UPDATE tasks SET phase = 'running', attempt = attempt + 1, lease_owner = :owner, "
                + "lease_expires_at = :until, started_at = :now, updated_at = :now, progress = 0, "
                + "error_message = NULL, error_code = NULL, step = NULL, cancel_requested = FALSE "
                + "WHERE phase = 'waiting' AND id = ("
                + "SELECT t.id FROM tasks t WHERE t.phase = 'waiting' AND t.run_after <= :now AND t.type IN (<types>) "
                + "AND t.user_id = (SELECT u.id FROM users u WHERE EXISTS (SELECT 1 FROM tasks w "
                + "WHERE w.user_id = u.id AND w.phase = 'waiting' AND w.run_after <= :now AND w.type IN (<types>)) "
                + "AND (SELECT COUNT(*) FROM tasks r WHERE r.user_id = u.id AND r.phase = 'running') < :maxRunning "
                + "ORDER BY u.last_claim, u.id LIMIT 1) "
                + "ORDER BY t.run_after LIMIT 1"
                + (dialect == Dialect.POSTGRES ? " FOR UPDATE SKIP LOCKED" : "")
                + ") RETURNING " + TaskRepository.COLUMNS + ", attempt";
        return jdbi.inTransaction(h -> {
            var claimed = h.createQuery(sql)
                    .bind("owner", owner)
                    .bind("until", now + config.leaseDuration().toMillis())
                    .bind("now", now)
                    .bind("maxRunning", config.maxRunningPerUser())
                    .bindList("types", types.stream().map(TaskType::wire).toList())
                    .map((rs, ctx) -> new Claim(TaskRepository.MAPPER.map(rs, ctx), rs.getInt("attempt")))
                    .findOne();
            if (claimed.isEmpty()) {
                return Optional.<Claim>empty();
            }
            var task = claimed.get().task();
            int running = h.createQuery("SELECT COUNT(*) FROM tasks WHERE user_id = :user AND phase = 'running'")
                    .bind("user", task.userId()).mapTo(Integer.class).one();
            if (running > config.maxRunningPerUser()) {
                // Two PostgreSQL claimers raced past the per-user limit; this one yields and looks again.
                h.rollback();
                return null;
            }
            h.createUpdate("UPDATE users SET last_claim = (SELECT COALESCE(MAX(last_claim), 0) + 1 FROM users) "
                    + "WHERE id = :user").bind("user", task.userId()).execute();
            record(h, task, TaskEvent.Kind.UPDATED, now);
            return claimed;
        });
    }

    /** Writes progress (never backwards) and the step; false when the lease is gone. */
    boolean progress(String owner, String id, int attempt, double progress, String step) {
        long now = clock.millis();
        return jdbi.inTransaction(h -> h.createQuery("UPDATE tasks SET progress = CASE WHEN progress IS NULL "
                        + "OR progress < :progress THEN :progress ELSE progress END, step = :step, updated_at = :now"
                        + FENCE + " RETURNING " + TaskRepository.COLUMNS)
                .bind("id", id).bind("attempt", attempt).bind("owner", owner)
                .bind("progress", Math.max(0, Math.min(1, progress))).bind("step", step).bind("now", now)
                .map(TaskRepository.MAPPER).findOne()
                .map(task -> record(h, task, TaskEvent.Kind.UPDATED, now)).isPresent());
    }

    boolean complete(String owner, String id, int attempt, JsonNode output) {
        long now = clock.millis();
        return jdbi.inTransaction(h -> h.createQuery("UPDATE tasks SET phase = 'completed', output = :output, "
                        + "progress = NULL, step = NULL, error_message = NULL, error_code = NULL, updated_at = :now, "
                        + "lease_owner = NULL, lease_expires_at = NULL" + FENCE + " RETURNING " + TaskRepository.COLUMNS)
                .bind("id", id).bind("attempt", attempt).bind("owner", owner).bind("now", now)
                .bind("output", output == null ? null : Json.write(output))
                .map(TaskRepository.MAPPER).findOne()
                .map(task -> {
                    slotFreed(h);
                    record(h, task, TaskEvent.Kind.UPDATED, now);
                    return record(h, task, TaskEvent.Kind.COMPLETED, now);
                }).isPresent());
    }

    /** An attempt failed: retried after back-off while retriable and retries remain, failed otherwise. */
    boolean fail(String owner, String id, int attempt, TaskFailure failure) {
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            var current = h.createQuery("SELECT retries FROM tasks" + FENCE)
                    .bind("id", id).bind("attempt", attempt).bind("owner", owner)
                    .mapTo(Integer.class).findOne();
            if (current.isEmpty()) {
                return false;
            }
            int retries = current.get() == null ? 0 : current.get();
            String message = failure.getMessage() == null ? "internal error processing the task" : failure.getMessage();
            if (failure.isRetriable() && retries < config.maxRetries()) {
                long runAfter = now + retryDelay(retries + 1).toMillis();
                return requeue(h, "WHERE id = :id AND attempt = :attempt AND lease_owner = :owner AND phase = 'running'",
                        Map.of("id", id, "attempt", attempt, "owner", owner), retries + 1, message, failure.code(),
                        runAfter, now).isPresent();
            }
            return failNow(h, FENCE, Map.of("id", id, "attempt", attempt, "owner", owner), message, failure.code(), now)
                    .isPresent();
        });
    }

    /** Shutdown: gives a running task back to the queue at once, without counting a retry. */
    boolean release(String owner, String id, int attempt) {
        long now = clock.millis();
        return jdbi.inTransaction(h -> h.createQuery("UPDATE tasks SET phase = 'waiting', run_after = :now, "
                        + "progress = NULL, step = NULL, lease_owner = NULL, lease_expires_at = NULL, updated_at = :now"
                        + FENCE + " RETURNING " + TaskRepository.COLUMNS)
                .bind("id", id).bind("attempt", attempt).bind("owner", owner).bind("now", now)
                .map(TaskRepository.MAPPER).findOne()
                .map(task -> {
                    signal.queued(h);
                    return record(h, task, TaskEvent.Kind.UPDATED, now);
                }).isPresent());
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
                        + "WHERE lease_owner = :owner AND phase = 'running' AND id IN (<ids>)")
                .bind("until", now + config.leaseDuration().toMillis()).bind("owner", owner)
                .bindList("ids", List.copyOf(taskIds)).execute());
    }

    /** The (task id -> attempt) pairs this worker still legitimately runs. */
    Map<String, Integer> held(String owner) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, attempt FROM tasks "
                        + "WHERE lease_owner = :owner AND phase = 'running'")
                .bind("owner", owner)
                .map((rs, ctx) -> Map.entry(rs.getString("id"), rs.getInt("attempt")))
                .list().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    /**
     * Finds what nobody will finish: leases that expired (the worker died: retried as "worker lost"), tasks over
     * the run-time limit, and pending tasks whose input never arrived. Answers how many it changed.
     */
    public int sweep() {
        long now = clock.millis();
        int changed = 0;
        var expired = jdbi.withHandle(h -> h.createQuery("SELECT id, attempt, lease_expires_at FROM tasks "
                        + "WHERE phase = 'running' AND lease_expires_at < :now")
                .bind("now", now)
                .map((rs, ctx) -> new Object[] {rs.getString("id"), rs.getInt("attempt")}).list());
        for (var row : expired) {
            changed += jdbi.inTransaction(h -> {
                var fence = Map.<String, Object>of("id", row[0], "attempt", row[1], "now", now);
                String where = "WHERE id = :id AND attempt = :attempt AND phase = 'running' AND lease_expires_at < :now";
                var retries = h.createQuery("SELECT retries FROM tasks " + where).bindMap(fence)
                        .mapTo(Integer.class).findOne();
                if (retries.isEmpty()) {
                    return 0;
                }
                int done = retries.get() == null ? 0 : retries.get();
                String message = "worker lost: the worker running this task stopped answering";
                if (done < config.maxRetries()) {
                    return requeue(h, where, fence, done + 1, message, "worker_lost", now, now).isPresent() ? 1 : 0;
                }
                return failNow(h, " " + where, fence, message, "worker_lost", now).isPresent() ? 1 : 0;
            });
        }
        long runningSince = now - config.runTimeLimit().toMillis();
        changed += failAll("phase = 'running' AND started_at < :since", runningSince, "run_time_exceeded",
                "the task ran longer than its run-time limit of " + human(config.runTimeLimit()), now);
        long pendingSince = now - config.pendingTimeout().toMillis();
        changed += failAll("phase = 'pending' AND created_at < :since", pendingSince, "input_timeout",
                "the task's input never arrived: nothing was uploaded within " + human(config.pendingTimeout()), now);
        return changed;
    }

    private int failAll(String condition, long since, String code, String message, long now) {
        var ids = jdbi.withHandle(h -> h.createQuery("SELECT id FROM tasks WHERE " + condition)
                .bind("since", since).mapTo(String.class).list());
        int changed = 0;
        for (String id : ids) {
            changed += jdbi.inTransaction(h -> failNow(h, " WHERE id = :id AND " + condition,
                    Map.of("id", id, "since", since), message, code, now).isPresent() ? 1 : 0);
        }
        return changed;
    }

    /** Cancels a pending, waiting or running task at once; a running one's worker stops within a poll. */
    public Task cancel(Principal caller, String id) {
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            var task = visibleTask(h, caller, id);
            var cancelled = h.createQuery("UPDATE tasks SET phase = 'cancelled', cancel_requested = TRUE, "
                            + "progress = NULL, step = NULL, lease_owner = NULL, lease_expires_at = NULL, "
                            + "updated_at = :now, error_message = 'cancelled on request', error_code = 'cancelled' "
                            + "WHERE id = :id AND phase IN ('pending', 'waiting', 'running') RETURNING "
                            + TaskRepository.COLUMNS)
                    .bind("id", id).bind("now", now).map(TaskRepository.MAPPER).findOne()
                    .orElseThrow(() -> SpoolException.badRequest("wrong_phase", "task is " + task.status().phase().wire()
                            + "; only pending, waiting or running tasks can be cancelled"));
            slotFreed(h);
            record(h, cancelled, TaskEvent.Kind.UPDATED, now);
            return record(h, cancelled, TaskEvent.Kind.CANCELLED, now).viewFor(caller.admin());
        });
    }

    /** Cancels a task that has not ended, in the caller's transaction (deleting its asset, say). */
    public Optional<Task> cancelUnfinished(Handle h, String id, String reason) {
        long now = clock.millis();
        return h.createQuery("UPDATE tasks SET phase = 'cancelled', cancel_requested = TRUE, progress = NULL, "
                        + "step = NULL, lease_owner = NULL, lease_expires_at = NULL, updated_at = :now, "
                        + "error_message = :reason, error_code = 'cancelled' "
                        + "WHERE id = :id AND phase IN ('pending', 'waiting', 'running') RETURNING " + TaskRepository.COLUMNS)
                .bind("id", id).bind("now", now).bind("reason", reason).map(TaskRepository.MAPPER).findOne()
                .map(task -> {
                    slotFreed(h);
                    record(h, task, TaskEvent.Kind.UPDATED, now);
                    return record(h, task, TaskEvent.Kind.CANCELLED, now);
                });
    }

    /** Re-queues a failed or cancelled task now, with its retry count reset. */
    public Task retry(Principal caller, String id) {
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            var task = visibleTask(h, caller, id);
            var queued = h.createQuery("UPDATE tasks SET phase = 'waiting', retries = 0, scheduled_at = :now, "
                            + "run_after = :now, progress = NULL, step = NULL, error_message = NULL, error_code = NULL, "
                            + "cancel_requested = FALSE, updated_at = :now "
                            + "WHERE id = :id AND phase IN ('failed', 'cancelled') RETURNING " + TaskRepository.COLUMNS)
                    .bind("id", id).bind("now", now).map(TaskRepository.MAPPER).findOne()
                    .orElseThrow(() -> SpoolException.badRequest("wrong_phase", "task is " + task.status().phase().wire()
                            + "; only failed or cancelled tasks can be retried"));
            signal.queued(h);
            return record(h, queued, TaskEvent.Kind.UPDATED, now).viewFor(caller.admin());
        });
    }

    /** A {@code pending} task whose input has arrived joins the queue (in the caller's transaction). */
    public Optional<Task> enqueuePending(Handle h, String id) {
        long now = clock.millis();
        var queued = h.createQuery("UPDATE tasks SET phase = 'waiting', retries = 0, scheduled_at = :now, "
                        + "run_after = :now, updated_at = :now WHERE id = :id AND phase = 'pending' RETURNING "
                        + TaskRepository.COLUMNS)
                .bind("id", id).bind("now", now).map(TaskRepository.MAPPER).findOne();
        queued.ifPresent(task -> {
            signal.queued(h);
            record(h, task, TaskEvent.Kind.UPDATED, now);
        });
        return queued;
    }

    private Task visibleTask(Handle h, Principal caller, String id) {
        return tasks.find(h, id)
                .filter(t -> caller.admin()
                        || (caller.userId().equals(t.userId()) && caller.projectId().equals(t.projectId())))
                .orElseThrow(SpoolException::notFound);
    }

    private Optional<Task> requeue(Handle h, String where, Map<String, Object> fence, int retries, String message,
                                   String code, long runAfter, long now) {
        return h.createQuery("UPDATE tasks SET phase = 'waiting', retries = :retries, error_message = :message, "
                        + "error_code = :code, run_after = :runAfter, progress = NULL, step = NULL, lease_owner = NULL, "
                        + "lease_expires_at = NULL, updated_at = :now " + where + " RETURNING " + TaskRepository.COLUMNS)
                .bindMap(fence).bind("retries", retries).bind("message", message).bind("code", code)
                .bind("runAfter", runAfter).bind("now", now)
                .map(TaskRepository.MAPPER).findOne()
                .map(task -> {
                    signal.queued(h);
                    return record(h, task, TaskEvent.Kind.UPDATED, now);
                });
    }

    private Optional<Task> failNow(Handle h, String where, Map<String, Object> fence, String message, String code,
                                   long now) {
        return h.createQuery("UPDATE tasks SET phase = 'failed', error_message = :message, error_code = :code, "
                        + "retries = COALESCE(retries, 0), progress = NULL, step = NULL, lease_owner = NULL, "
                        + "lease_expires_at = NULL, updated_at = :now" + where + " RETURNING " + TaskRepository.COLUMNS)
                .bindMap(fence).bind("message", message).bind("code", code).bind("now", now)
                .map(TaskRepository.MAPPER).findOne()
                .map(task -> {
                    slotFreed(h);
                    record(h, task, TaskEvent.Kind.UPDATED, now);
                    return record(h, task, TaskEvent.Kind.FAILED, now);
                });
    }

    /**
     * A user's running slot was freed: claimers held back by that user's limit (in any process) look again now
     * instead of at their next poll.
     */
    private void slotFreed(Handle h) {
        signal.queued(h);
    }

    private Task record(Handle h, Task task, TaskEvent.Kind kind, long now) {
        return tasks.record(h, task, kind, now);
    }

    Duration retryDelay(int retryNumber) {
        return retryNumber <= 1 ? config.firstRetryDelay() : config.laterRetryDelay();
    }

    private static String human(Duration d) {
        if (d.toHours() > 0 && d.toMinutesPart() == 0) {
            return d.toHours() + " h";
        }
        if (d.toMinutes() > 0 && d.toSecondsPart() == 0) {
            return d.toMinutes() + " min";
        }
        return d.toSeconds() + " s";
    }
}
