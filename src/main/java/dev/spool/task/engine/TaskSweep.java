package dev.spool.task.engine;

import static dev.spool.task.engine.TaskTransitions.phaseIs;

import dev.spool.config.Config;
import dev.spool.db.Database;
import dev.spool.task.TaskPhase;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * Finds what nobody will finish: leases that expired (the worker died: retried as "worker lost"), tasks over the
 * run-time limit, pending tasks whose input never arrived, and queued tasks no worker took within the same time. Each change is fenced by the condition that found it.
 */
final class TaskSweep {
    private static final String RUNNING = phaseIs(TaskPhase.RUNNING);

    private final Jdbi jdbi;
    private final TaskTransitions transitions;
    private final Config.Engine config;
    private final Clock clock;

    TaskSweep(Database database, TaskTransitions transitions, Config.Engine config, Clock clock) {
        this.jdbi = database.jdbi();
        this.transitions = transitions;
        this.config = config;
        this.clock = clock;
    }

    /** One pass; answers how many tasks it changed. */
    int sweep() {
        long now = clock.millis();
        int changed = 0;
        var expired = jdbi.withHandle(
                h -> h.createQuery("SELECT id, attempt FROM tasks WHERE " + RUNNING + " AND lease_expires_at < :now")
                        .bind("now", now)
                        .map((rs, ctx) -> Map.<String, Object>of(
                                "id", rs.getString("id"), "attempt", rs.getInt("attempt"), "now", now))
                        .list());
        for (var fence : expired) {
            changed += jdbi.inTransaction(h -> {
                String where = " WHERE id = :id AND attempt = :attempt AND " + RUNNING + " AND lease_expires_at < :now";
                var retries = h.createQuery("SELECT retries FROM tasks" + where)
                        .bindMap(fence)
                        .mapTo(Integer.class)
                        .findOne();
                if (retries.isEmpty()) {
                    return 0;
                }
                int done = retries.get() == null ? 0 : retries.get();
                String message = "worker lost: the worker running this task stopped answering";
                var changedTask = done < config.maxRetries()
                        ? transitions.requeue(h, where, fence, done + 1, message, "worker_lost", now, now)
                        : transitions.fail(h, where, fence, message, "worker_lost", now);
                return changedTask.isPresent() ? 1 : 0;
            });
        }
        long runningSince = now - config.runTimeLimit().toMillis();
        changed += failAll(
                RUNNING + " AND started_at < :since",
                runningSince,
                "run_time_exceeded",
                "the task ran longer than its run-time limit of " + human(config.runTimeLimit()),
                now);
        long pendingSince = now - config.pendingTimeout().toMillis();
        changed += failAll(
                phaseIs(TaskPhase.PENDING) + " AND created_at < :since",
                pendingSince,
                "input_timeout",
                "the task's input never arrived: nothing was uploaded within " + human(config.pendingTimeout()),
                now);
        // a queued task no worker takes (no process runs its type, or none runs at all) must not wait for ever
        changed += failAll(
                phaseIs(TaskPhase.WAITING) + " AND run_after < :since",
                pendingSince,
                "no_worker",
                "no worker took the task within " + human(config.pendingTimeout())
                        + ": no running Spool process handles tasks of this type",
                now);
        return changed;
    }

    private int failAll(String condition, long since, String code, String message, long now) {
        var ids = jdbi.withHandle(h -> h.createQuery("SELECT id FROM tasks WHERE " + condition)
                .bind("since", since)
                .mapTo(String.class)
                .list());
        int changed = 0;
        for (String id : ids) {
            changed += jdbi.inTransaction(h -> transitions
                            .fail(
                                    h,
                                    " WHERE id = :id AND " + condition,
                                    Map.of("id", id, "since", since),
                                    message,
                                    code,
                                    now)
                            .isPresent()
                    ? 1
                    : 0);
        }
        return changed;
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
