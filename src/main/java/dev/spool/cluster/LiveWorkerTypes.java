package dev.spool.cluster;

import dev.spool.task.RunnableTypes;
import dev.spool.task.TaskType;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The task types the live workers of the cluster registered. A type none of them runs is refused while at least
 * one worker is alive; with none alive (all restarting, or an API-only process waiting for its workers) a task is
 * queued, and the sweeper ends it if no worker takes it within the pending timeout.
 */
public final class LiveWorkerTypes implements RunnableTypes {
    private final WorkerRegistry registry;

    public LiveWorkerTypes(WorkerRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Optional<String> whyNot(TaskType type) {
        List<WorkerInfo> alive = registry.alive();
        var runnable = new TreeSet<String>();
        for (var worker : alive) {
            runnable.addAll(worker.taskTypes());
        }
        if (alive.isEmpty() || runnable.contains(type.wire())) {
            return Optional.empty();
        }
        return Optional.of("no worker of this Spool can run " + type.wire() + " tasks (the " + alive.size()
                + " live worker" + (alive.size() == 1 ? "" : "s") + " run "
                + (runnable.isEmpty() ? "nothing" : String.join(", ", runnable))
                + "); start a worker that can, e.g. one whose ffmpeg works "
                + "(its log says why it cannot)");
    }
}
