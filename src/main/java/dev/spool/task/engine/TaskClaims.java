package dev.spool.task.engine;

import static dev.spool.task.engine.TaskTransitions.CLEAR_ERROR;
import static dev.spool.task.engine.TaskTransitions.RETURNING;
import static dev.spool.task.engine.TaskTransitions.phaseIs;

import dev.spool.config.Config;
import dev.spool.db.Database;
import dev.spool.db.Dialect;
import dev.spool.task.Task;
import dev.spool.task.TaskEvent;
import dev.spool.task.TaskPhase;
import dev.spool.task.TaskRepository;
import dev.spool.task.TaskType;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Hands due tasks to workers: one statement moves a task to {@code running} under a lease and increments its
 * attempt, the fencing token of every later write ({@link ClaimedTasks}).
 */
final class TaskClaims {
    private static final String WAITING = phaseIs(TaskPhase.WAITING);
    private static final String RUNNING = phaseIs(TaskPhase.RUNNING);
    /** Users with due work of these types and a free running slot. */
    private static final String CLAIMABLE_USER = "EXISTS (SELECT 1 FROM tasks w WHERE w.user_id = u.id AND w."
            + WAITING + " AND w.run_after <= :now AND w.type IN (<types>)) AND (SELECT COUNT(*) FROM tasks r "
            + "WHERE r.user_id = u.id AND r." + RUNNING + ") < :maxRunning";

    private final Jdbi jdbi;
    private final Dialect dialect;
    private final TaskTransitions transitions;
    private final Config.Engine config;
    private final Clock clock;

    TaskClaims(Database database, TaskTransitions transitions, Config.Engine config, Clock clock) {
        this.jdbi = database.jdbi();
        this.dialect = database.dialect();
        this.transitions = transitions;
        this.config = config;
        this.clock = clock;
    }

    /** A task this worker now runs, with the attempt number that fences its writes. */
    record Claim(Task task, int attempt) {}

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
            if (claimed.isPresent() || !dialect.skipsLockedRows() || !claimableWorkExists(types)) {
                return claimed;
            }
            // Another process holds the row locks of the user whose turn it is; its commit moves the turn on.
            pauseBriefly();
        }
        return Optional.empty();
    }

    private boolean claimableWorkExists(Collection<TaskType> types) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM users u WHERE " + CLAIMABLE_USER)
                        .bind("now", clock.millis())
                        .bind("maxRunning", config.maxRunningPerUser())
                        .bindList("types", wire(types))
                        .mapTo(Integer.class)
                        .one()
                > 0);
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
        String sql = "UPDATE tasks SET " + RUNNING + ", attempt = attempt + 1, lease_owner = :owner, "
                + "lease_expires_at = :until, started_at = :now, updated_at = :now, progress = 0, " + CLEAR_ERROR
                + ", step = NULL, cancel_requested = FALSE WHERE " + WAITING + " AND id = ("
                + "SELECT t.id FROM tasks t WHERE t." + WAITING + " AND t.run_after <= :now AND t.type IN (<types>) "
                + "AND t.user_id = (SELECT u.id FROM users u WHERE " + CLAIMABLE_USER + " "
                + "ORDER BY u.last_claim, u.id LIMIT 1) "
                + "ORDER BY t.run_after LIMIT 1" + dialect.skipLocked() + ")" + RETURNING + ", attempt";
        return jdbi.inTransaction(h -> {
            var claimed = h.createQuery(sql)
                    .bind("owner", owner)
                    .bind("until", now + config.leaseDuration().toMillis())
                    .bind("now", now)
                    .bind("maxRunning", config.maxRunningPerUser())
                    .bindList("types", wire(types))
                    .map((rs, ctx) -> new Claim(TaskRepository.MAPPER.map(rs, ctx), rs.getInt("attempt")))
                    .findOne();
            if (claimed.isEmpty()) {
                return Optional.<Claim>empty();
            }
            var task = claimed.get().task();
            int running = h.createQuery("SELECT COUNT(*) FROM tasks WHERE user_id = :user AND " + RUNNING)
                    .bind("user", task.userId())
                    .mapTo(Integer.class)
                    .one();
            if (running > config.maxRunningPerUser()) {
                // Two concurrent claimers raced past the per-user limit; this one yields and looks again.
                h.rollback();
                return null;
            }
            h.createUpdate("UPDATE users SET last_claim = (SELECT COALESCE(MAX(last_claim), 0) + 1 FROM users) "
                            + "WHERE id = :user")
                    .bind("user", task.userId())
                    .execute();
            transitions.record(h, task, TaskEvent.Kind.UPDATED, now);
            return claimed;
        });
    }

    private static List<String> wire(Collection<TaskType> types) {
        return types.stream().map(TaskType::wire).toList();
    }
}
