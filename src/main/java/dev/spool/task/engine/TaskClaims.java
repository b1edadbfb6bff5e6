package dev.spool.task.engine;

import static dev.spool.task.engine.TaskTransitions.CLEAR_ERROR;
import static dev.spool.task.engine.TaskTransitions.RETURNING;
import static dev.spool.task.engine.TaskTransitions.phaseIs;

import dev.spool.config.Config;
import dev.spool.db.Database;
import dev.spool.db.Dialect;
import dev.spool.db.Returning;
import dev.spool.task.Task;
import dev.spool.task.TaskPhase;
import dev.spool.task.TaskRepository;
import dev.spool.task.TaskType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Hands due tasks to workers: due tasks move to {@code running} under a lease and their attempt is incremented, the
 * fencing token of every later write ({@link ClaimedTasks}). On PostgreSQL one statement picks the users whose turn
 * it is, deals them the slots and claims their tasks; on SQLite (one writer at a time, in-process statements) a
 * query picks the users and one statement per user claims its share.
 */
final class TaskClaims {
    private static final String WAITING = phaseIs(TaskPhase.WAITING);
    private static final String RUNNING = phaseIs(TaskPhase.RUNNING);
    private static final String DUE = "w." + WAITING + " AND w.run_after <= :now AND w.type IN (<types>)";
    /**
     * The users with due work of these types, found by stepping through the waiting tasks' index from one user to
     * the next: a step per user with work, however long the queue.
     */
    private static final String QUEUED_USERS = queuedUsers("tasks w");
    /**
     * {@link #QUEUED_USERS} for SQLite, held to the waiting tasks' index by user. SQLite keeps no statistics unless
     * asked, and without them its planner found the first user by reading every due task through the (phase,
     * run_after) index and sorting them: a claim round cost ~8 ms more with 40,000 tasks queued, and the cost grew
     * with the queue.
     */
    private static final String QUEUED_USERS_BY_INDEX = queuedUsers("tasks w INDEXED BY tasks_waiting_user");
    /** How many tasks user {@code u} runs. */
    private static final String RUNNING_OF_USER =
            "(SELECT COUNT(*) FROM tasks r WHERE r.user_id = u.id AND r." + RUNNING + ")";
    /** Users with due work of these types and a free running slot (after {@link #QUEUED_USERS}). */
    private static final String CLAIMABLE_USER =
            "u.id IN (SELECT user_id FROM queued) AND " + RUNNING_OF_USER + " < :maxRunning";

    /** {@link #turns}: SQLite's statement. */
    static final String TURNS = QUEUED_USERS_BY_INDEX + "SELECT u.id, " + RUNNING_OF_USER + " AS running, "
            + "(SELECT COUNT(*) FROM (SELECT 1 FROM tasks w INDEXED BY tasks_waiting_user WHERE w.user_id = u.id AND "
            + DUE + " LIMIT :maxRunning)) AS due FROM users u WHERE " + CLAIMABLE_USER
            + " ORDER BY u.last_claim, u.id LIMIT :users";

    /** The columns a claim sets, before its {@code WHERE}. */
    private static final String CLAIM = "UPDATE tasks SET " + RUNNING + ", attempt = attempt + 1, lease_owner = "
            + ":owner, lease_expires_at = :until, started_at = :now, updated_at = :now, progress = 0, " + CLEAR_ERROR
            + ", step = NULL, cancel_requested = FALSE WHERE ";

    /** The back of the line: the highest turn any user took, read through the index on it (migration V14). */
    static final String LAST_TURN = "(SELECT COALESCE(MAX(last_claim), 0) FROM users)";

    /** The user goes to the back of the line: behind every user that claimed before. */
    private static final String TAKE_TURN = "UPDATE users SET last_claim = " + LAST_TURN + " + 1 WHERE id = :user";

    /** {@link #claimInTurn}: PostgreSQL's locking clauses and data-modifying WITH. */
    private static final String CLAIM_IN_TURN = QUEUED_USERS
            + ", turn AS MATERIALIZED (SELECT u.id, u.last_claim, :maxRunning - " + RUNNING_OF_USER
            + " AS free FROM users u WHERE " + CLAIMABLE_USER
            + " AND u.last_claim = (SELECT s.last_claim FROM users s WHERE s.id = u.id) ORDER BY u.last_claim, u.id "
            + "LIMIT :users FOR NO KEY UPDATE SKIP LOCKED), "
            + "picked AS MATERIALIZED (SELECT id, user_id, last_claim, rank FROM (SELECT c.id, t.id AS user_id, "
            + "t.last_claim, row_number() OVER (PARTITION BY t.id ORDER BY c.run_after, c.id) AS rank FROM turn t "
            + "CROSS JOIN LATERAL (SELECT w.id, w.run_after FROM tasks w WHERE w.user_id = t.id AND " + DUE
            + " ORDER BY w.run_after LIMIT LEAST(t.free, :users) FOR NO KEY UPDATE SKIP LOCKED) c) ranked "
            + "ORDER BY rank, last_claim, user_id LIMIT :users), "
            + "claimed AS (" + CLAIM + "id IN (SELECT id FROM picked)" + RETURNING + ", attempt, run_after), "
            + "served AS (SELECT user_id, row_number() OVER (ORDER BY MIN(last_claim), user_id) AS place FROM picked "
            + "GROUP BY user_id), "
            + "took AS (UPDATE users u SET last_claim = " + LAST_TURN + " + s.place "
            + "FROM served s WHERE u.id = s.user_id) "
            + "SELECT c.*, (SELECT COUNT(*) FROM turn) AS turn_users FROM claimed c JOIN picked p ON p.id = c.id "
            + "ORDER BY p.rank, p.last_claim, p.user_id";

    private static String queuedUsers(String waitingTasks) {
        return "WITH RECURSIVE queued (user_id) AS (SELECT (SELECT w.user_id FROM " + waitingTasks + " WHERE " + DUE
                + " ORDER BY w.user_id LIMIT 1) UNION ALL SELECT (SELECT w.user_id FROM " + waitingTasks + " WHERE "
                + DUE + " AND w.user_id > q.user_id ORDER BY w.user_id LIMIT 1) FROM queued q "
                + "WHERE q.user_id IS NOT NULL) ";
    }

    private final Jdbi jdbi;
    /** For {@link #mayBeHeldByAnotherClaimer}, which runs as often as a claim and reads as much of the queue. */
    private final Jdbi plannedOnce;

    private final Dialect dialect;
    private final TaskTransitions transitions;
    private final Config.Engine config;
    private final Clock clock;

    TaskClaims(Database database, TaskTransitions transitions, Config.Engine config, Clock clock) {
        this.jdbi = database.jdbi();
        this.plannedOnce = database.plannedOnce();
        this.dialect = database.dialect();
        this.transitions = transitions;
        this.config = config;
        this.clock = clock;
    }

    /** A task this worker now runs, with the attempt number that fences its writes. */
    record Claim(Task task, int attempt) {}

    /** A claim with the moment its task became due (the metrics' wait). */
    private record Due(Claim claim, long dueAt) {}

    /** A claim of {@link #claimInTurn}, with how many users had their turn in its statement. */
    record Dealt(Due due, int turnUsers) {}

    /** One claim in a transaction of its own (tests, tools); workers claim in batches ({@link WorkerRounds}). */
    Optional<Claim> claim(String owner, Collection<TaskType> types) {
        for (int attempt = 0; attempt < 5; attempt++) {
            var claimed = jdbi.inTransaction(h -> claim(h, owner, types, 1));
            if (!claimed.isEmpty()) {
                return Optional.of(claimed.getFirst());
            }
            if (!mayBeHeldByAnotherClaimer(types)) {
                return Optional.empty();
            }
            pauseBriefly();
        }
        return Optional.empty();
    }

    /**
     * Moves up to {@code slots} of the most deserving due tasks to {@code running} under leases, in the caller's
     * transaction. Users take turns: those whose last claim is oldest go first, the slots are dealt to them one at
     * a time in that order, and none runs more than its limit at once. The claims come back in turn order (on PostgreSQL
     * in the order dealt), each user's oldest due first.
     */
    List<Claim> claim(Handle h, String owner, Collection<TaskType> types, int slots) {
        if (types.isEmpty() || slots <= 0) {
            return List.of();
        }
        long now = clock.millis();
        var first = firstStatement(owner, types, slots, now);
        return first.isPresent()
                ? claimedAfter(h, owner, types, slots, now, first.get().run(h))
                : recorded(h, claimUserByUser(h, owner, types, slots, now), now);
    }

    /**
     * The first statement of a claim on PostgreSQL ({@link #claimInTurn}), for the caller to send together with a
     * statement of its own ({@link Returning#together}) before handing its rows to {@link #claimedAfter}; empty on
     * SQLite, which claims user by user, and when there is nothing to claim for.
     */
    Optional<Returning<Dealt>> firstStatement(String owner, Collection<TaskType> types, int slots, long now) {
        if (!dialect.changesInWith() || types.isEmpty() || slots <= 0) {
            return Optional.empty();
        }
        return Optional.of(claimInTurn(owner, types, slots, now));
    }

    /**
     * Goes on with a claim whose {@link #firstStatement} dealt {@code first}, in the caller's transaction, as
     * {@link #claim(Handle, String, Collection, int)} does.
     */
    List<Claim> claimedAfter(
            Handle h, String owner, Collection<TaskType> types, int slots, long now, List<Dealt> first) {
        var claims = new ArrayList<Due>();
        int wanted = slots;
        var dealt = first;
        while (true) {
            dealt.forEach(d -> claims.add(d.due()));
            // Fewer users than slots: every user with claimable work had its turn.
            if (dealt.isEmpty() || dealt.getFirst().turnUsers() < wanted || claims.size() >= slots) {
                return recorded(h, claims, now);
            }
            wanted = slots - claims.size();
            dealt = claimInTurn(owner, types, wanted, now).run(h);
        }
    }

    private List<Claim> recorded(Handle h, List<Due> claims, long now) {
        for (var claim : claims) {
            transitions.claimed(h, claim.claim().task(), claim.dueAt(), now);
        }
        return claims.stream().map(Due::claim).toList();
    }

    private List<Due> claimUserByUser(Handle h, String owner, Collection<TaskType> types, int slots, long now) {
        var claims = new ArrayList<Due>();
        while (claims.size() < slots) {
            int wanted = slots - claims.size();
            var turns = turns(h, types, wanted, now);
            boolean served = false;
            for (var share : deal(turns, wanted).entrySet()) {
                var claimed = claimFor(h, owner, share.getKey(), share.getValue(), types, now);
                served |= !claimed.isEmpty();
                claims.addAll(claimed);
            }
            // Fewer users than slots: every user with claimable work had its turn.
            if (!served || turns.size() < wanted) {
                break;
            }
        }
        return claims;
    }

    /**
     * The users whose turn it is, the slots dealt to them and their tasks claimed, in one statement (PostgreSQL):
     * <ul>
     *   <li>{@code turn} locks up to {@code slots} users with due work and a free running slot, oldest last claim
     *       first, with each one's free slots. Its locks, like the tasks', are non-key locks: tasks being created
     *       for these users (whose foreign key names them) are not held up. A user whose row changed since the statement began is passed over:
     *       a claim for that user committed meanwhile (every claim moves its user's turn), which the statement's
     *       running count cannot see, so its free slots would be overstated. Skipped, the user waits for the next
     *       claim: the worker's next round, or shortly when this round found nothing at all
     *       ({@link #mayBeHeldByAnotherClaimer}); having just been served, the user is at the back of the line.
     *   <li>{@code picked} deals the slots one at a time in turn order, each user's oldest due tasks first and never
     *       more than its free slots: its due tasks ranked within the user, ordered by rank, then turn.
     *   <li>The picked tasks are claimed, and the users served go to the back of the line in the order they were
     *       served.
     * </ul>
     * {@link #claimedAfter} runs it again while it filled some slots but not all and more users may have work than it
     * could look at. It binds {@code owner} and {@code now} by those names: a statement sent with it may use them too.
     */
    private Returning<Dealt> claimInTurn(String owner, Collection<TaskType> types, int wanted, long now) {
        return new Returning<>(
                CLAIM_IN_TURN,
                q -> q.bind("owner", owner)
                        .bind("until", now + config.leaseDuration().toMillis())
                        .bind("now", now)
                        .bind("users", wanted)
                        .bind("maxRunning", config.maxRunningPerUser())
                        .bindList("types", wire(types)),
                (rs, ctx) -> new Dealt(due(rs, ctx), rs.getInt("turn_users")));
    }

    /**
     * Whose turn it is (SQLite): up to {@code slots} users with due work and a free running slot, oldest last claim
     * first, each with the slots it can fill: its free running slots, or fewer when it has fewer due tasks (dealt more,
     * it would leave slots empty that another user's tasks could fill). SQLite's transactions run one at a time, so
     * the counts read here still hold when {@link #claimFor} claims.
     */
    private Map<String, Integer> turns(Handle h, Collection<TaskType> types, int slots, long now) {
        var free = new LinkedHashMap<String, Integer>();
        h.createQuery(TURNS)
                .bind("now", now)
                .bind("maxRunning", config.maxRunningPerUser())
                .bind("users", slots)
                .bindList("types", wire(types))
                .map((rs, ctx) -> Map.entry(
                        rs.getString("id"),
                        Math.min(config.maxRunningPerUser() - rs.getInt("running"), rs.getInt("due"))))
                .forEach(e -> free.put(e.getKey(), e.getValue()));
        return free;
    }

    /** The slots dealt one at a time to the users in turn order, each up to its free running slots. */
    private static Map<String, Integer> deal(Map<String, Integer> free, int slots) {
        var shares = new LinkedHashMap<String, Integer>();
        int left = slots;
        boolean dealt = true;
        while (left > 0 && dealt) {
            dealt = false;
            for (var user : free.entrySet()) {
                if (left > 0 && shares.getOrDefault(user.getKey(), 0) < user.getValue()) {
                    shares.merge(user.getKey(), 1, Integer::sum);
                    left--;
                    dealt = true;
                }
            }
        }
        return shares;
    }

    /**
     * Up to {@code share} of the user's oldest due tasks, claimed in one statement (SQLite). A user that claimed
     * anything goes to the back of the line.
     */
    private List<Due> claimFor(Handle h, String owner, String user, int share, Collection<TaskType> types, long now) {
        String sql = CLAIM + "id IN (SELECT t.id FROM tasks t WHERE t." + WAITING + " AND t.run_after <= :now "
                + "AND t.type IN (<types>) AND t.user_id = :user ORDER BY t.run_after LIMIT :share)" + RETURNING
                + ", attempt, run_after";
        var claimed = h
                .createQuery(sql)
                .bind("owner", owner)
                .bind("until", now + config.leaseDuration().toMillis())
                .bind("now", now)
                .bind("user", user)
                .bind("share", share)
                .bindList("types", wire(types))
                .map(TaskClaims::due)
                .list()
                .stream()
                .sorted(Comparator.comparingLong(Due::dueAt))
                .toList();
        if (!claimed.isEmpty()) {
            h.createUpdate(TAKE_TURN).bind("user", user).execute();
        }
        return claimed;
    }

    private static Due due(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Due(new Claim(TaskRepository.MAPPER.map(rs, ctx), rs.getInt("attempt")), rs.getLong("run_after"));
    }

    /**
     * Whether a claim that found nothing may have passed over work another claimer holds locked (its commit moves
     * the turn on): then the caller looks again shortly instead of waiting for a wake-up.
     */
    boolean mayBeHeldByAnotherClaimer(Collection<TaskType> types) {
        if (!dialect.skipsLockedRows() || types.isEmpty()) {
            return false;
        }
        return plannedOnce.withHandle(
                h -> h.createQuery(QUEUED_USERS + "SELECT COUNT(*) FROM users u WHERE " + CLAIMABLE_USER)
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

    private static List<String> wire(Collection<TaskType> types) {
        return types.stream().map(TaskType::wire).toList();
    }
}
