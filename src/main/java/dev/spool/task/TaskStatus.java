package dev.spool.task;

/** The public status of a task. {@code step} is internal: shown to admins only. */
public record TaskStatus(
        TaskPhase phase, long updatedAt, Double progress, String errorMessage, Integer retries, String step) {

    TaskStatus withoutStep() {
        return new TaskStatus(phase, updatedAt, progress, errorMessage, retries, null);
    }
}
