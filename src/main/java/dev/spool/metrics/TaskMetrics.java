package dev.spool.metrics;

import dev.spool.task.Task;
import dev.spool.task.TaskEvent;
import dev.spool.task.TaskObserver;
import dev.spool.task.TaskPhase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;

/**
 * Counts tasks created and finished by type and outcome, and times how long each waited once due and how long it
 * ran, from the same state changes that write the outbox. Every count happens after the change commits, so a
 * rolled-back claim or completion is never counted.
 *
 * <p>Run time is measured by the process that claimed the task (it sees both ends of the run); a run this process
 * did not start is not timed here.
 */
public final class TaskMetrics implements TaskObserver {
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(100),
        Duration.ofSeconds(1),
        Duration.ofSeconds(5),
        Duration.ofSeconds(15),
        Duration.ofSeconds(30),
        Duration.ofMinutes(1),
        Duration.ofMinutes(2),
        Duration.ofMinutes(5),
        Duration.ofMinutes(10),
        Duration.ofMinutes(30),
        Duration.ofHours(1),
        Duration.ofHours(3),
        Duration.ofHours(6)
    };
    private final MeterRegistry registry;
    /** Task id -> when this process's claim of it committed; only tasks running here. */
    private final Map<String, Long> runningSince = new ConcurrentHashMap<>();

    public TaskMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void changed(Handle h, Task task, TaskEvent.Kind kind) {
        String type = task.type().wire();
        switch (kind) {
            case SPAWNED -> h.afterCommit(() -> counter(type, "created").increment());
            case COMPLETED, FAILED, CANCELLED ->
                h.afterCommit(() ->
                        counter(type, kind.name().toLowerCase(Locale.ROOT)).increment());
            case UPDATED -> {}
        }
        if (task.status().phase() != TaskPhase.RUNNING && runningSince.containsKey(task.id())) {
            long at = task.status().updatedAt();
            h.afterCommit(() -> {
                Long since = runningSince.remove(task.id());
                if (since != null) {
                    timer("spool.task.run", "Time tasks ran, claim to completion, failure, retry or release", type)
                            .record(Duration.ofMillis(Math.max(0, at - since)));
                }
            });
        }
    }

    @Override
    public void claimed(Handle h, Task task, long dueAt) {
        long at = task.status().updatedAt();
        h.afterCommit(() -> {
            runningSince.put(task.id(), at);
            timer(
                            "spool.task.wait",
                            "Time tasks waited from due to claimed",
                            task.type().wire())
                    .record(Duration.ofMillis(Math.max(0, at - dueAt)));
        });
    }

    private Counter counter(String type, String event) {
        return Counter.builder("spool.task.events")
                .tag("type", type)
                .tag("event", event)
                .description("Tasks created, completed, failed and cancelled, by type")
                .register(registry);
    }

    private Timer timer(String name, String description, String type) {
        return Timer.builder(name)
                .description(description)
                .tag("type", type)
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }
}
