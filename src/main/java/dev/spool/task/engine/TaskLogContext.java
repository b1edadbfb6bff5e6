package dev.spool.task.engine;

import dev.spool.task.Task;
import org.slf4j.MDC;

/** The ids a task run concerns, in the logging context (MDC) of the thread that runs it, for every line it logs. */
final class TaskLogContext {
    private TaskLogContext() {}

    static void enter(Task task) {
        MDC.put("taskId", task.id());
        MDC.put("taskType", task.type().wire());
        MDC.put("userId", task.userId());
        String asset = task.outputAssetId() != null ? task.outputAssetId() : task.inputAssetId();
        if (asset != null) {
            MDC.put("assetId", asset);
        }
    }

    static void leave() {
        MDC.clear();
    }
}
