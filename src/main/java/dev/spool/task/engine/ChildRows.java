package dev.spool.task.engine;

import static dev.spool.task.engine.TaskTransitions.CLEAR_ERROR;
import static dev.spool.task.engine.TaskTransitions.RETURNING;
import static dev.spool.task.engine.TaskTransitions.phaseIs;

import dev.spool.config.Config;
import dev.spool.db.Database;
import dev.spool.db.Dialect;
import dev.spool.json.Json;
import dev.spool.task.Task;
import dev.spool.task.TaskParams;
import dev.spool.task.TaskPhase;
import dev.spool.task.TaskRepository;
import dev.spool.task.TaskStatus;
import dev.spool.task.TaskType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The rows of child tasks: internal {@code encode-chunk} tasks that carry their parent's id. They are queued, claimed,
 * leased, fenced, retried and swept like every task; only their spawning, listing and the parent's own claim of them
 * (see {@link Children#runOne}) live here.
 */
final class ChildRows {
    private static final String WAITING = phaseIs(TaskPhase.WAITING);

    private final Jdbi jdbi;
    private final Dialect dialect;
    private final TaskRepository tasks;
    private final TaskTransitions transitions;
    private final Config.Engine config;
    private final Clock clock;

    ChildRows(Database database, TaskRepository tasks, TaskTransitions transitions, Config.Engine config, Clock clock) {
        this.jdbi = database.jdbi();
        this.dialect = database.dialect();
        this.tasks = tasks;
        this.transitions = transitions;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Replaces the parent's children with new ones, in one transaction: waiting, or completed with the output of the
     * earlier child that did their part (never run by this attempt: attempt 0). Children of an earlier attempt go: a
     * worker still running one finds its row gone and stops.
     */
    List<String> spawn(Task parent, int attempt, TaskType type, List<Children.Part> parts) {
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            h.createUpdate("DELETE FROM tasks WHERE parent_id = :parent")
                    .bind("parent", parent.id())
                    .execute();
            var ids = new ArrayList<String>();
            for (int i = 0; i < parts.size(); i++) {
                // zero-padded, so that ordering by id is ordering by position
                String id = String.format(Locale.ROOT, "%s-a%d-c%04d", parent.id(), attempt, i);
                var done = parts.get(i).done();
                var status = new TaskStatus(
                        done == null ? TaskPhase.WAITING : TaskPhase.COMPLETED, now, null, null, 0, null);
                tasks.insertChild(
                        h,
                        new Task(
                                id,
                                type,
                                now,
                                now,
                                null,
                                null,
                                parent.projectId(),
                                parent.requesterId(),
                                TaskParams.encodeChunk(parts.get(i).params()),
                                status,
                                done == null ? null : done.output(),
                                parent.userId()),
                        parent.id());
                ids.add(id);
            }
            transitions.queued(h);
            return ids;
        });
    }

    List<Children.Child> list(String parentId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, params, phase, attempt, progress, output, error_code, "
                        + "error_message FROM tasks WHERE parent_id = :parent ORDER BY id")
                .bind("parent", parentId)
                .map((rs, ctx) -> new Children.Child(
                        rs.getString("id"),
                        Json.read(rs.getString("params"), TaskParams.class).encodeChunk(),
                        TaskPhase.fromWire(rs.getString("phase")),
                        rs.getInt("attempt"),
                        rs.getObject("progress") == null ? 0 : rs.getDouble("progress"),
                        Json.tree(rs.getString("output")),
                        rs.getString("error_code"),
                        rs.getString("error_message")))
                .list());
    }

    /** Whether the parent has ended (cancelled, failed, completed) or is gone: no later attempt will run it. */
    boolean parentEnded(String parentId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT phase FROM tasks WHERE id = :parent")
                .bind("parent", parentId)
                .mapTo(String.class)
                .findOne()
                .map(phase -> TaskPhase.fromWire(phase).terminal())
                .orElse(true));
    }

    void cancelUnfinished(String parentId, String reason) {
        long now = clock.millis();
        jdbi.useTransaction(h -> transitions.cancelChildren(h, parentId, reason, now));
    }

    /**
     * Claims one due child of {@code parentId} for the worker running the parent. Unlike {@link TaskClaims} it asks
     * for no turn and no per-user slot: the parent already holds both, and its children are its own work.
     */
    Optional<TaskClaims.Claim> claim(String owner, String parentId) {
        long now = clock.millis();
        String sql = "UPDATE tasks SET " + phaseIs(TaskPhase.RUNNING)
                + ", attempt = attempt + 1, lease_owner = :owner, "
                + "lease_expires_at = :until, started_at = :now, updated_at = :now, progress = 0, " + CLEAR_ERROR
                + ", step = NULL, cancel_requested = FALSE WHERE " + WAITING + " AND id = (SELECT c.id FROM tasks c "
                + "WHERE c.parent_id = :parent AND c." + WAITING + " AND c.run_after <= :now ORDER BY c.id LIMIT 1"
                + dialect.skipLocked() + ")" + RETURNING + ", attempt";
        return jdbi.inTransaction(h -> h.createQuery(sql)
                .bind("owner", owner)
                .bind("parent", parentId)
                .bind("until", now + config.leaseDuration().toMillis())
                .bind("now", now)
                .map((rs, ctx) -> new TaskClaims.Claim(TaskRepository.MAPPER.map(rs, ctx), rs.getInt("attempt")))
                .findOne());
    }
}
