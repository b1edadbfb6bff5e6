package dev.spool.db;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the event tables bounded: finished webhook deliveries, webhook log rows and task events older than the
 * retention are deleted, and idempotency keys after their 24 hours. A task keeps its latest event whatever its age,
 * so its event numbering continues where it stopped. The child tasks of a task that ended longer than the retention
 * ago (a long import's chunks) go too: nothing reads them once their parent has ended, and a retry of the parent much
 * later encodes its chunks anew.
 */
public final class Retention implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Retention.class);
    private static final Duration IDEMPOTENCY = Duration.ofHours(24);
    private static final Duration MOST_OFTEN = Duration.ofSeconds(1);
    private static final Duration LEAST_OFTEN = Duration.ofHours(1);
    private static final int BATCH = 10_000;
    /** A child task whose parent ended before the cutoff, or is gone. (Child tasks write no events.) */
    private static final String CHILD_OF_ENDED = "tasks.parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM tasks p "
            + "WHERE p.id = tasks.parent_id AND (p.phase NOT IN ('completed', 'failed', 'cancelled') "
            + "OR p.updated_at >= :cutoff))";

    private final Jdbi jdbi;
    private final Duration retention;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("spool-retention").factory());

    public Retention(Database database, Duration retention, Clock clock) {
        this.jdbi = database.jdbi();
        this.retention = retention;
        this.clock = clock;
    }

    /** Prunes now and then every tenth of the retention, between once a second and once an hour. */
    public Retention start() {
        long every = Math.clamp(retention.toMillis() / 10, MOST_OFTEN.toMillis(), LEAST_OFTEN.toMillis());
        scheduler.scheduleWithFixedDelay(this::runSafely, 0, every, TimeUnit.MILLISECONDS);
        return this;
    }

    /** One pass; answers how many rows went. */
    public int runOnce() {
        long cutoff = clock.millis() - retention.toMillis();
        return jdbi.withHandle(h -> deleteInBatches(
                        h, "webhook_deliveries", "position", "state <> 'pending' AND finished_at < :cutoff", cutoff)
                + deleteInBatches(h, "tasks", "id", CHILD_OF_ENDED, cutoff)
                + deleteInBatches(h, "webhook_logs", "id", "created_at < :cutoff", cutoff)
                + deleteInBatches(
                        h,
                        "task_events",
                        "task_id, seq",
                        "created_at < :cutoff AND seq < (SELECT MAX(latest.seq) FROM task_events latest "
                                + "WHERE latest.task_id = task_events.task_id)",
                        cutoff)
                + h.createUpdate("DELETE FROM idempotency_keys WHERE created_at < :cutoff")
                        .bind("cutoff", clock.millis() - IDEMPOTENCY.toMillis())
                        .execute());
    }

    /**
     * Deletes the rows that meet the condition, {@link #BATCH} at a time, each batch committed on its own: a backlog
     * of millions (a first pass over a large store, a retention made shorter) then never makes one statement that
     * outlasts the store's read timeout, fails and starts over at the next pass, nor one that holds its locks long.
     */
    private static int deleteInBatches(Handle h, String table, String key, String condition, long cutoff) {
        int deleted = 0;
        while (true) {
            int batch = h.createUpdate("DELETE FROM " + table + " WHERE (" + key + ") IN (SELECT " + key + " FROM "
                            + table + " WHERE " + condition + " LIMIT " + BATCH + ")")
                    .bind("cutoff", cutoff)
                    .execute();
            deleted += batch;
            if (batch < BATCH) {
                return deleted;
            }
        }
    }

    private void runSafely() {
        try {
            int pruned = runOnce();
            if (pruned > 0) {
                log.debug("pruned {} rows older than {}", pruned, retention);
            }
        } catch (RuntimeException e) {
            log.warn("pruning old rows failed (tried again later): {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
