package dev.spool.task.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.task.Task;
import dev.spool.task.TaskType;

/**
 * Does the work of one task type. A handler reports progress through its context, returns the task's
 * {@code output} on success, throws {@link TaskFailure} on failure, and stops promptly when interrupted
 * (cancellation, lost lease, shutdown): child processes included.
 */
public interface TaskHandler {
    TaskType type();

    JsonNode run(Task task, TaskContext context) throws TaskFailure, InterruptedException;
}
