package dev.spool.task.engine;

import static dev.spool.task.engine.TaskTransitions.CLEAR_ERROR;
import static dev.spool.task.engine.TaskTransitions.CLEAR_PROGRESS;
import static dev.spool.task.engine.TaskTransitions.RETURNING;
import static dev.spool.task.engine.TaskTransitions.phaseIn;
import static dev.spool.task.engine.TaskTransitions.phaseIs;

import dev.spool.account.Principal;
import dev.spool.error.SpoolException;
import dev.spool.task.Task;
import dev.spool.task.TaskEvent;
import dev.spool.task.TaskPhase;
import dev.spool.task.TaskRepository;
import java.time.Clock;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** What callers ask of the engine: cancel, retry, and moving a pending task whose input arrived into the queue. */
public final class TaskCommands {
    private final Jdbi jdbi;
    private final TaskRepository tasks;
    private final TaskTransitions transitions;
    private final Clock clock;

    TaskCommands(Jdbi jdbi, TaskRepository tasks, TaskTransitions transitions, Clock clock) {
        this.jdbi = jdbi;
        this.tasks = tasks;
        this.transitions = transitions;
        this.clock = clock;
    }

    /** Cancels a pending, waiting or running task at once; a running one's worker stops within a poll. */
    public Task cancel(Principal caller, String id) {
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            var task = visibleTask(h, caller, id);
            return transitions
                    .cancel(h, id, "cancelled on request", now)
                    .orElseThrow(() -> SpoolException.badRequest(
                            "wrong_phase",
                            "task is " + task.status().phase().wire()
                                    + "; only pending, waiting or running tasks can be cancelled"))
                    .viewFor(caller.admin());
        });
    }

    /** Cancels a task that has not ended, in the caller's transaction (deleting its asset, say). */
    public Optional<Task> cancelUnfinished(Handle h, String id, String reason) {
        return transitions.cancel(h, id, reason, clock.millis());
    }

    /** Re-queues a failed or cancelled task now, with its retry count reset. */
    public Task retry(Principal caller, String id) {
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            var task = visibleTask(h, caller, id);
            var queued = h.createQuery("UPDATE tasks SET " + phaseIs(TaskPhase.WAITING) + ", retries = 0, "
                            + "scheduled_at = :now, run_after = :now, " + CLEAR_PROGRESS + ", " + CLEAR_ERROR
                            + ", cancel_requested = FALSE, updated_at = :now WHERE id = :id AND "
                            + phaseIn(TaskPhase.FAILED, TaskPhase.CANCELLED) + RETURNING)
                    .bind("id", id)
                    .bind("now", now)
                    .map(TaskRepository.MAPPER)
                    .findOne()
                    .orElseThrow(() -> SpoolException.badRequest(
                            "wrong_phase",
                            "task is " + task.status().phase().wire()
                                    + "; only failed or cancelled tasks can be retried"));
            transitions.queued(h);
            return transitions.record(h, queued, TaskEvent.Kind.UPDATED, now).viewFor(caller.admin());
        });
    }

    /** A {@code pending} task whose input has arrived joins the queue (in the caller's transaction). */
    public Optional<Task> enqueuePending(Handle h, String id) {
        long now = clock.millis();
        var queued = h.createQuery("UPDATE tasks SET " + phaseIs(TaskPhase.WAITING) + ", retries = 0, "
                        + "scheduled_at = :now, run_after = :now, updated_at = :now WHERE id = :id AND "
                        + phaseIs(TaskPhase.PENDING) + RETURNING)
                .bind("id", id)
                .bind("now", now)
                .map(TaskRepository.MAPPER)
                .findOne();
        queued.ifPresent(task -> {
            transitions.queued(h);
            transitions.record(h, task, TaskEvent.Kind.UPDATED, now);
        });
        return queued;
    }

    private Task visibleTask(Handle h, Principal caller, String id) {
        return tasks.find(h, id)
                .filter(t -> caller.canSee(t.userId(), t.projectId()))
                .orElseThrow(SpoolException::notFound);
    }
}
