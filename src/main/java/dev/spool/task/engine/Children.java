package dev.spool.task.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.task.Task;
import dev.spool.task.TaskPhase;
import dev.spool.task.TaskType;
import java.util.List;

/**
 * A running task's child tasks: parts of its work (a long input's chunks) that any worker of the cluster claims
 * through the engine, each under its own lease, fencing and retries, so a lost part is retried alone. Children are
 * internal: no public read, list, count or event shows them. Cancelling or failing the parent cancels them. Their
 * rows stay with the parent's, as the record of its parts (a later attempt replaces them with its own).
 */
public final class Children {
    /** One child as last committed; {@code progress} is 0 until it runs, its {@code output} set once completed. */
    public record Child(
            String id,
            JsonNode params,
            TaskPhase phase,
            int attempt,
            double progress,
            JsonNode output,
            String errorCode,
            String errorMessage) {}

    /** Runs one due child on the parent's worker; false when none is due. */
    @FunctionalInterface
    interface Helper {
        boolean runOne(String parentId) throws InterruptedException;
    }

    private final ChildRows rows;
    private final Task parent;
    private final int attempt;
    private final Helper helper;

    Children(ChildRows rows, Task parent, int attempt, Helper helper) {
        this.rows = rows;
        this.parent = parent;
        this.attempt = attempt;
        this.helper = helper;
    }

    /**
     * One part of the work: its {@code encode-chunk} parameters, and the child of an earlier attempt that already did
     * it ({@code done}, completed), or null when it is still to be done.
     */
    public record Part(JsonNode params, Child done) {}

    /**
     * Queues one {@code encode-chunk} child per part still to be done, and records the parts done as completed children
     * of this attempt with their output, all in order, replacing every child of an earlier attempt; answers their ids.
     */
    public List<String> spawn(List<Part> parts) {
        return rows.spawn(parent, attempt, TaskType.ENCODE_CHUNK, parts);
    }

    /** The children, in the order they were spawned. */
    public List<Child> list() {
        return rows.list(parent.id());
    }

    /**
     * Claims one due child and runs it here, on this worker, before returning: a parent waiting for its children
     * helps with them instead of holding its slot idle, so even a single-slot cluster finishes them. Interrupting the
     * caller stops the child (it goes back to the queue). False when no child is due.
     */
    public boolean runOne() throws InterruptedException {
        return helper.runOne(parent.id());
    }

    /**
     * Whether the parent has ended as last committed (cancelled, or failed or completed by another process) or is
     * gone: then no later attempt will want what its children made.
     */
    public boolean parentEnded() {
        return rows.parentEnded(parent.id());
    }

    /** Cancels every child that has not ended; workers running one stop it within a supervision round. */
    public void cancelUnfinished(String reason) {
        rows.cancelUnfinished(parent.id(), reason);
    }
}
