package dev.spool.task;

/**
 * What a creator asks for: the type, its parameters and the assets involved. {@code userId} lets an admin create a
 * task on behalf of a user; the task then lives in that user's default project.
 */
public record CreateTask(
        TaskType type,
        TaskParams params,
        String inputAssetId,
        String outputAssetId,
        String requesterId,
        String userId,
        Boolean pending) {}
