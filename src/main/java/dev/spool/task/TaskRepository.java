package dev.spool.task;

import dev.spool.db.Bound;
import dev.spool.db.Database;
import dev.spool.db.Dialect;
import dev.spool.db.ListQuery;
import dev.spool.db.Notifications;
import dev.spool.db.PageQuery;
import dev.spool.db.ReadCache;
import dev.spool.json.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.mapper.RowMapper;

/** Reads and writes task rows and appends their outbox events; every state change goes through here. */
public final class TaskRepository {
    /** Public field names usable in {@code filters} and {@code order}, and their columns. */
    public static final Map<String, String> FIELDS = Map.of(
            "id", "id",
            "userId", "user_id",
            "type", "type",
            "phase", "phase",
            "inputAssetId", "input_asset_id",
            "outputAssetId", "output_asset_id",
            "createdAt", "created_at",
            "updatedAt", "updated_at",
            // Livepeer accepts a full-text filter on a task's name, but tasks have none: it matches no task.
            "name", "CAST(NULL AS TEXT)");

    public static final Set<String> NUMERIC_FIELDS = java.util.Set.of("createdAt", "updatedAt");
    public static final Set<String> FULL_TEXT_FIELDS = java.util.Set.of("name");

    public static final String COLUMNS =
            "id, type, user_id, project_id, input_asset_id, output_asset_id, requester_id, "
                    + "created_at, scheduled_at, params, phase, updated_at, progress, error_message, retries, step, output";

    /**
     * The condition every public read, count and listing carries: child tasks (a long encode's chunks) are the
     * engine's units of work, not Livepeer tasks, and never leave the server.
     */
    public static final String PUBLIC = "parent_id IS NULL";

    public static final RowMapper<Task> MAPPER = TaskRepository::map;

    /** The notifications of a committed change to a task, keyed by its id. */
    private static final String CHANGED = "task";

    private static final int CACHED_MAX = 50_000;
    /** Events per INSERT: 7 parameters each, well under either store's limit on one statement's parameters. */
    private static final int EVENTS_PER_INSERT = 500;

    private final Jdbi jdbi;
    private final Dialect dialect;
    private final List<TaskObserver> observers;
    private final Notifications notifications;
    private final ReadCache<String, Optional<Task>> cache;
    /** Per transaction running {@link #batchedUpToCommit}, the outbox events held back to be appended together at its end. */
    private final Map<Handle, List<Event>> held = Collections.synchronizedMap(new IdentityHashMap<>());

    /** An outbox event to append. */
    private record Event(Task task, TaskEvent.Kind kind, long now) {}

    public TaskRepository(Database database, List<TaskObserver> observers) {
        this.jdbi = database.jdbi();
        this.dialect = database.dialect();
        this.observers = List.copyOf(observers);
        this.notifications = database.notifications();
        // Polling clients then cost a map lookup instead of a query; every change, made by any process, is heard.
        // No change goes unannounced, so an entry may stay for as long as the notifications are live.
        this.cache = new ReadCache<>(notifications::live, CACHED_MAX, ChronoUnit.FOREVER.getDuration());
        notifications.subscribe(CHANGED, cache::forget, cache::forgetAll);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** Inserts a new task and its {@code task.spawned} event, in the caller's transaction. */
    public void insert(Handle h, Task task) {
        insert(h, task, null);
    }

    /** Inserts a child task of {@code parentId} (internal: no event), in the caller's transaction. */
    public void insertChild(Handle h, Task task, String parentId) {
        insert(h, task, parentId);
    }

    private void insert(Handle h, Task task, String parentId) {
        var status = task.status();
        h.createUpdate("INSERT INTO tasks (id, type, user_id, project_id, input_asset_id, output_asset_id, "
                        + "requester_id, created_at, scheduled_at, params, phase, updated_at, progress, error_message, "
                        + "retries, step, output, run_after, parent_id) VALUES (:id, :type, :user, :project, :input, "
                        + ":outputAsset, :requester, :created, :scheduled, :params, :phase, :updated, :progress, "
                        + ":error, :retries, :step, :output, :runAfter, :parent)")
                .bind("parent", parentId)
                .bind("id", task.id())
                .bind("type", task.type().wire())
                .bind("user", task.userId())
                .bind("project", task.projectId())
                .bind("input", task.inputAssetId())
                .bind("outputAsset", task.outputAssetId())
                .bind("requester", task.requesterId())
                .bind("created", task.createdAt())
                .bind("scheduled", task.scheduledAt())
                .bind("params", Json.write(task.params()))
                .bind("phase", status.phase().wire())
                .bind("updated", status.updatedAt())
                .bind("progress", status.progress())
                .bind("error", status.errorMessage())
                .bind("retries", status.retries())
                .bind("step", status.step())
                .bind("output", task.output() == null ? null : Json.write(task.output()))
                .bind("runAfter", status.phase() == TaskPhase.WAITING ? task.createdAt() : null)
                .execute();
        record(h, task, TaskEvent.Kind.SPAWNED, task.createdAt());
    }

    /**
     * Appends the outbox event for a state change and tells the observers, all in the change's transaction. An
     * internal child task has neither: no webhook, event or asset status speaks of it.
     */
    public Task record(Handle h, Task task, TaskEvent.Kind kind, long now) {
        if (task.type().internal()) {
            return task;
        }
        notifications.publish(h, CHANGED, task.id());
        appendEvent(h, new Event(task, kind, now));
        for (var observer : observers) {
            observer.changed(h, task, kind);
        }
        return task;
    }

    /** A worker claimed the task, due since {@code dueAt}: recorded as an update, and told to the observers as such. */
    public Task recordClaim(Handle h, Task task, long dueAt, long now) {
        record(h, task, TaskEvent.Kind.UPDATED, now);
        if (!task.type().internal()) {
            for (var observer : observers) {
                observer.claimed(h, task, dueAt);
            }
        }
        return task;
    }

    /**
     * Runs {@code work} in {@code h}'s open transaction with the outbox events and change notifications it records
     * written together at its end, one statement each, instead of one per change: a worker's round. Each task's
     * events keep their order and numbering. When {@code work} throws, nothing is written.
     *
     * <p>On PostgreSQL the statement that writes the last events also commits the transaction: sent as one execution,
     * the server runs the COMMIT after the INSERT, and only if it succeeded, so the round saves the round trip of a
     * commit of its own. The caller's commit then finds nothing left to commit (the driver knows the transaction ended
     * from the server's answer; had it not, a COMMIT outside a transaction is only a warning). Nothing else may run in
     * {@code h} after it: that would begin a transaction of its own.
     */
    public <T> T batchedUpToCommit(Handle h, Supplier<T> work) {
        if (!h.isInTransaction() || held.containsKey(h)) {
            return work.get();
        }
        return notifications.batched(h, () -> {
            var events = new ArrayList<Event>();
            held.put(h, events);
            try {
                T result = work.get();
                held.remove(h);
                for (int from = 0; from < events.size(); from += EVENTS_PER_INSERT) {
                    int to = Math.min(events.size(), from + EVENTS_PER_INSERT);
                    boolean last = to == events.size();
                    // The last INSERT also sends the round's notifications.
                    appendEvents(
                            h,
                            events.subList(from, to),
                            last ? notifications.carry(h) : Optional.empty(),
                            last && dialect.commitsInStatement());
                }
                return result;
            } finally {
                held.remove(h);
            }
        });
    }

    /** A task as last committed: this process's own changes at once, other processes' once they are heard. */
    public Optional<Task> find(String id) {
        return cache.get(id, () -> jdbi.withHandle(h -> find(h, id)));
    }

    public Optional<Task> find(Handle h, String id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM tasks WHERE id = :id AND " + PUBLIC)
                .bind("id", id)
                .map(MAPPER)
                .findOne();
    }

    /** A page of the owner's tasks in one project (or every task, for an admin listing all users). */
    public PageQuery.Page<Task> list(
            Optional<String> userId, Optional<String> projectId, ListQuery query, boolean withCount) {
        var scope = new java.util.LinkedHashMap<String, Object>();
        userId.ifPresent(u -> scope.put("user_id", u));
        projectId.ifPresent(p -> scope.put("project_id", p));
        return PageQuery.fetch(
                jdbi,
                "tasks",
                COLUMNS,
                MAPPER,
                query,
                FIELDS,
                "created_at DESC, id DESC",
                scope,
                List.of(PUBLIC),
                withCount);
    }

    private void appendEvent(Handle h, Event event) {
        var batch = held.get(h);
        if (batch != null) {
            batch.add(event);
        } else {
            appendEvents(h, List.of(event), Optional.empty(), false);
        }
    }

    /**
     * Appends outbox events for the tasks' current states, each numbered after its task's previous events, in the
     * caller's transaction so that nothing is published for a change that did not commit. One statement numbers and
     * inserts them all: a task's n-th event of the list comes n after the task's last committed one. No other
     * writer appends for the task meanwhile: each event follows an UPDATE of its task's row in the same
     * transaction, whose lock holds them off until the commit.
     */
    private void appendEvents(Handle h, List<Event> events, Optional<Notifications.Sending> sending, boolean commit) {
        var rows = new StringBuilder();
        var perTask = new HashMap<String, Integer>();
        var binds = new HashMap<String, Argument>();
        // A task that ends is recorded twice in one state (updated, then how it ended): one JSON for both events.
        var snapshots = new IdentityHashMap<Task, String>();
        for (int i = 0; i < events.size(); i++) {
            var event = events.get(i);
            var task = event.task();
            rows.append(i == 0 ? "" : ", ")
                    .append("(:task{i}, :n{i}, :event{i}, :user{i}, :project{i}, :snapshot{i}, :now{i})"
                            .replace("{i}", Integer.toString(i)));
            binds.put("task" + i, Bound.text(task.id()));
            binds.put("n" + i, Bound.number(perTask.merge(task.id(), 1, Integer::sum)));
            binds.put("event" + i, Bound.text(event.kind().wire()));
            binds.put("user" + i, Bound.text(task.userId()));
            binds.put("project" + i, Bound.text(task.projectId()));
            binds.put("snapshot" + i, Bound.text(snapshots.computeIfAbsent(task, t -> Json.write(t.viewFor(false)))));
            binds.put("now" + i, Bound.number(event.now()));
        }
        // VALUES columns are named column1, column2, ... by both stores.
        var insert = h.createUpdate(
                "INSERT INTO task_events (task_id, seq, event, user_id, project_id, snapshot, created_at) "
                        + "SELECT v.column1, COALESCE((SELECT MAX(e.seq) FROM task_events e "
                        + "WHERE e.task_id = v.column1), 0) + v.column2, v.column3, v.column4, v.column5, "
                        + "v.column6, v.column7 FROM (VALUES " + rows + ") AS v"
                        + sending.map(s -> " WHERE " + s.condition()).orElse("")
                        + (commit ? ";\nCOMMIT" : ""));
        binds.forEach(insert::bind);
        sending.ifPresent(s -> s.bind(insert));
        insert.execute();
    }

    /** The number of the task's last event, 0 when it has none. */
    public int lastEventSeq(String taskId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(MAX(seq), 0) FROM task_events WHERE task_id = :task")
                .bind("task", taskId)
                .mapTo(Integer.class)
                .one());
    }

    /** The task's events after a given sequence number, oldest first. */
    public List<TaskEvent> eventsAfter(String taskId, int afterSeq) {
        return jdbi.withHandle(h -> h.createQuery("SELECT task_id, seq, event, snapshot, created_at "
                        + "FROM task_events WHERE task_id = :task AND seq > :seq ORDER BY seq")
                .bind("task", taskId)
                .bind("seq", afterSeq)
                .map((rs, ctx) -> new TaskEvent(
                        rs.getString("task_id"),
                        rs.getInt("seq"),
                        TaskEvent.Kind.fromWire(rs.getString("event")),
                        rs.getString("snapshot"),
                        rs.getLong("created_at")))
                .list());
    }

    private static Task map(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws SQLException {
        var status = new TaskStatus(
                TaskPhase.fromWire(rs.getString("phase")),
                rs.getLong("updated_at"),
                rs.getObject("progress") == null ? null : rs.getDouble("progress"),
                rs.getString("error_message"),
                rs.getObject("retries") == null ? null : rs.getInt("retries"),
                rs.getString("step"));
        return new Task(
                rs.getString("id"),
                TaskType.fromWire(rs.getString("type")),
                rs.getLong("created_at"),
                rs.getObject("scheduled_at") == null ? null : rs.getLong("scheduled_at"),
                rs.getString("input_asset_id"),
                rs.getString("output_asset_id"),
                rs.getString("project_id"),
                rs.getString("requester_id"),
                Json.read(rs.getString("params"), TaskParams.class),
                status,
                Json.tree(rs.getString("output")),
                rs.getString("user_id"));
    }
}
