package dev.spool.cluster;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps one worker's row in the {@link WorkerRegistry} alive while the worker runs, and removes it at close. */
public final class WorkerPresence implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerPresence.class);

    private final WorkerRegistry registry;
    private final WorkerInfo worker;
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("spool-heartbeat").factory());

    public WorkerPresence(WorkerRegistry registry, WorkerInfo worker) {
        this.registry = registry;
        this.worker = worker;
    }

    /** Registers the worker now (a failure stops the start), then renews its row every few seconds. */
    public WorkerPresence start() {
        registry.forgetDead();
        registry.seen(worker);
        long every = WorkerRegistry.HEARTBEAT.toMillis();
        heartbeat.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
        return this;
    }

    private void beat() {
        try {
            registry.seen(worker);
        } catch (RuntimeException e) {
            log.warn("worker {} could not renew its registration: {}", worker.id(), e.getMessage());
        }
    }

    /** Waits for a renewal under way, which would otherwise bring the row back after its removal. */
    @Override
    public void close() {
        heartbeat.shutdown();
        try {
            heartbeat.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        registry.remove(worker.id());
    }
}
