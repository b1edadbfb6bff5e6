package dev.spool.task.engine;

import dev.spool.task.QueueSignal;
import dev.spool.task.Task;
import dev.spool.task.TaskEvent;
import dev.spool.task.TaskPhase;
import dev.spool.task.TaskRepository;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * The state changes that several callers make, each named once: back to the queue, failed, cancelled. Each is one
 * conditional UPDATE (the caller's {@code where} is its fence) that returns the row and appends the outbox events
 * in the caller's transaction; an empty answer means the fence did not hold and nothing changed.
 */
final class TaskTransitions {
    /** The columns every transition out of {@code running} clears. */
    static final String CLEAR_LEASE = "lease_owner = NULL, lease_expires_at = NULL";

    static final String CLEAR_PROGRESS = "progress = NULL, step = NULL";
    static final String CLEAR_ERROR = "error_message = NULL, error_code = NULL";
    static final String RETURNING = " RETURNING " + TaskRepository.COLUMNS;
    /** A worker's own write: its attempt, under its lease, still running. */
    static final String FENCE =
            " WHERE id = :id AND attempt = :attempt AND lease_owner = :owner AND " + phaseIs(TaskPhase.RUNNING);

    private final TaskRepository tasks;
    private final QueueSignal signal;

    TaskTransitions(TaskRepository tasks, QueueSignal signal) {
        this.tasks = tasks;
        this.signal = signal;
    }

    /** {@code phase = 'running'}: a condition naming one phase by its wire name. */
    static String phaseIs(TaskPhase phase) {
        return "phase = '" + phase.wire() + "'";
    }

    /** {@code phase IN ('pending', 'waiting')}. */
    static String phaseIn(TaskPhase... phases) {
        return "phase IN ("
                + Arrays.stream(phases).map(p -> "'" + p.wire() + "'").collect(Collectors.joining(", ")) + ")";
    }

    /** Back to {@code waiting} after a failed attempt, runnable again from {@code runAfter}. */
    Optional<Task> requeue(
            Handle h,
            String where,
            Map<String, Object> fence,
            int retries,
            String message,
            String code,
            long runAfter,
            long now) {
        return h.createQuery("UPDATE tasks SET " + phaseIs(TaskPhase.WAITING) + ", retries = :retries, "
                        + "error_message = :message, error_code = :code, run_after = :runAfter, " + CLEAR_PROGRESS
                        + ", " + CLEAR_LEASE + ", updated_at = :now" + where + RETURNING)
                .bindMap(fence)
                .bind("retries", retries)
                .bind("message", message)
                .bind("code", code)
                .bind("runAfter", runAfter)
                .bind("now", now)
                .map(TaskRepository.MAPPER)
                .findOne()
                .map(task -> {
                    signal.queued(h);
                    return record(h, task, TaskEvent.Kind.UPDATED, now);
                });
    }

    /** To {@code failed}, for good. */
    Optional<Task> fail(Handle h, String where, Map<String, Object> fence, String message, String code, long now) {
        return h.createQuery("UPDATE tasks SET " + phaseIs(TaskPhase.FAILED) + ", error_message = :message, "
                        + "error_code = :code, retries = COALESCE(retries, 0), " + CLEAR_PROGRESS + ", " + CLEAR_LEASE
                        + ", updated_at = :now" + where + RETURNING)
                .bindMap(fence)
                .bind("message", message)
                .bind("code", code)
                .bind("now", now)
                .map(TaskRepository.MAPPER)
                .findOne()
                .map(task -> {
                    cancelChildren(h, task.id(), "the task they belong to failed", now);
                    return ended(h, task, TaskEvent.Kind.FAILED, now);
                });
    }

    /** To {@code cancelled} from any unfinished phase; a running task's worker sees it at its next check. */
    Optional<Task> cancel(Handle h, String id, String reason, long now) {
        return h.createQuery("UPDATE tasks SET " + phaseIs(TaskPhase.CANCELLED) + ", cancel_requested = TRUE, "
                        + CLEAR_PROGRESS + ", " + CLEAR_LEASE + ", updated_at = :now, error_message = :reason, "
                        + "error_code = 'cancelled' WHERE id = :id AND "
                        + phaseIn(TaskPhase.PENDING, TaskPhase.WAITING, TaskPhase.RUNNING) + RETURNING)
                .bind("id", id)
                .bind("now", now)
                .bind("reason", reason)
                .map(TaskRepository.MAPPER)
                .findOne()
                .map(task -> {
                    cancelChildren(h, id, reason, now);
                    return ended(h, task, TaskEvent.Kind.CANCELLED, now);
                });
    }

    /**
     * Cancels a task's unfinished child tasks (internal: no events). Workers running one find it no longer theirs at
     * their next supervision round and stop it; waiting ones are never claimed.
     */
    void cancelChildren(Handle h, String parentId, String reason, long now) {
        h.createUpdate("UPDATE tasks SET " + phaseIs(TaskPhase.CANCELLED) + ", cancel_requested = TRUE, "
                        + CLEAR_PROGRESS + ", " + CLEAR_LEASE + ", updated_at = :now, error_message = :reason, "
                        + "error_code = 'cancelled' WHERE parent_id = :parent AND "
                        + phaseIn(TaskPhase.PENDING, TaskPhase.WAITING, TaskPhase.RUNNING))
                .bind("parent", parentId)
                .bind("now", now)
                .bind("reason", reason)
                .execute();
    }

    /**
     * A task ended: its user's running slot is free, so claimers held back by that user's limit (in any process)
     * look again now instead of at their next poll.
     */
    Task ended(Handle h, Task task, TaskEvent.Kind kind, long now) {
        signal.queued(h);
        record(h, task, TaskEvent.Kind.UPDATED, now);
        return record(h, task, kind, now);
    }

    /** The transaction queued a task: idle workers wake when it commits. */
    void queued(Handle h) {
        signal.queued(h);
    }

    /** A worker claimed the task, due since {@code dueAt}. */
    Task claimed(Handle h, Task task, long dueAt, long now) {
        return tasks.recordClaim(h, task, dueAt, now);
    }

    Task record(Handle h, Task task, TaskEvent.Kind kind, long now) {
        return tasks.record(h, task, kind, now);
    }
}
