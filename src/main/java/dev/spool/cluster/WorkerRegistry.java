package dev.spool.cluster;

import dev.spool.db.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The workers table: every worker process adds itself, renews its row while it runs ({@link WorkerPresence}) and
 * removes it when it stops cleanly. A worker counts as alive while its row was renewed within {@link #ALIVE_WITHIN}.
 */
public final class WorkerRegistry {
    static final Duration HEARTBEAT = Duration.ofSeconds(5);
    static final Duration ALIVE_WITHIN = HEARTBEAT.multipliedBy(3);
    /** Rows of workers that died without removing themselves are kept this long, then dropped. */
    private static final Duration FORGET_AFTER = Duration.ofDays(1);

    private final Database database;
    private final Clock clock;

    public WorkerRegistry(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Adds the worker, or renews it: a row pruned while this process was paused comes back. */
    void seen(WorkerInfo worker) {
        long now = clock.millis();
        database.jdbi()
                .useHandle(h -> h.createUpdate("INSERT INTO workers "
                                + "(id, host, pid, started_at, last_seen, task_types, version) "
                                + "VALUES (:id, :host, :pid, :startedAt, :now, :taskTypes, :version) "
                                + "ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen")
                        .bind("id", worker.id())
                        .bind("host", worker.host())
                        .bind("pid", worker.pid())
                        .bind("startedAt", worker.startedAt())
                        .bind("now", now)
                        .bind("taskTypes", String.join(",", worker.taskTypes()))
                        .bind("version", worker.version())
                        .execute());
    }

    void remove(String id) {
        database.jdbi()
                .useHandle(h -> h.createUpdate("DELETE FROM workers WHERE id = :id")
                        .bind("id", id)
                        .execute());
    }

    void forgetDead() {
        database.jdbi()
                .useHandle(h -> h.createUpdate("DELETE FROM workers WHERE last_seen < :before")
                        .bind("before", clock.millis() - FORGET_AFTER.toMillis())
                        .execute());
    }

    /** Workers seen recently, oldest first. */
    public List<WorkerInfo> alive() {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT id, host, pid, started_at, last_seen, task_types, "
                                + "version FROM workers WHERE last_seen >= :since ORDER BY started_at, id")
                        .bind("since", clock.millis() - ALIVE_WITHIN.toMillis())
                        .map((rs, ctx) -> new WorkerInfo(
                                rs.getString("id"),
                                rs.getString("host"),
                                rs.getLong("pid"),
                                rs.getLong("started_at"),
                                rs.getLong("last_seen"),
                                taskTypes(rs.getString("task_types")),
                                rs.getString("version")))
                        .list());
    }

    private static List<String> taskTypes(String column) {
        return column.isEmpty() ? List.of() : Arrays.asList(column.split(","));
    }
}
