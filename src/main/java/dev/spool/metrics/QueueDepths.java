package dev.spool.metrics;

import dev.spool.db.Database;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gauges of what is queued in the database: unfinished tasks by phase and webhook deliveries not yet sent. Read
 * with two count queries at most every {@link #MAX_AGE_MILLIS}, however often Prometheus scrapes, and answered
 * for the whole cluster (every process sees the same rows).
 */
public final class QueueDepths {
    private static final long MAX_AGE_MILLIS = 5_000;
    private static final List<String> PHASES = List.of("pending", "waiting", "running");
    private static final String WEBHOOKS = "webhook-deliveries";

    private final Database database;
    private Map<String, Long> counts = Map.of();
    private long readAt;

    public QueueDepths(Database database, MeterRegistry registry) {
        this.database = database;
        for (String phase : PHASES) {
            Gauge.builder("spool.tasks.unfinished", () -> count(phase))
                    .tag("phase", phase)
                    .description("Tasks not yet finished, by phase")
                    .register(registry);
        }
        Gauge.builder("spool.webhook.queue", () -> count(WEBHOOKS))
                .description("Webhook deliveries waiting to be sent (including retries)")
                .register(registry);
    }

    private synchronized long count(String name) {
        long now = System.currentTimeMillis();
        if (now - readAt >= MAX_AGE_MILLIS) {
            counts = read();
            readAt = now;
        }
        return counts.getOrDefault(name, 0L);
    }

    private Map<String, Long> read() {
        return database.jdbi().withHandle(h -> {
            var answer = new HashMap<String, Long>();
            h.createQuery("SELECT phase, COUNT(*) AS n FROM tasks WHERE phase IN (<phases>) GROUP BY phase")
                    .bindList("phases", PHASES)
                    .map((rs, ctx) -> Map.entry(rs.getString("phase"), rs.getLong("n")))
                    .forEach(e -> answer.put(e.getKey(), e.getValue()));
            answer.put(
                    WEBHOOKS,
                    h.createQuery("SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'pending'")
                            .mapTo(Long.class)
                            .one());
            return answer;
        });
    }
}
