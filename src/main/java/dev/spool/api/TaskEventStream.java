package dev.spool.api;

import dev.spool.json.Json;
import dev.spool.task.Task;
import dev.spool.task.TaskEvent;
import dev.spool.task.TaskRepository;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * {@code GET /api/task/{id}/events}: server-sent events carrying the task's snapshot at every change, from the
 * outbox, ending after a terminal phase. A client shows live progress without polling the task.
 */
final class TaskEventStream {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final TaskRepository tasks;

    TaskEventStream(TaskRepository tasks) {
        this.tasks = tasks;
    }

    /**
     * Streams until the task ends or the client leaves; the task is already checked as visible, and {@code current}
     * reads it as its caller sees it.
     */
    void stream(Context ctx, String taskId, Supplier<Task> current) throws IOException {
        ctx.status(200);
        ctx.header("Content-Type", "text/event-stream");
        ctx.header("Cache-Control", "no-cache");
        ctx.header("X-Accel-Buffering", "no");
        OutputStream out = ctx.res().getOutputStream();
        // The last event's number before the snapshot: a change that commits in between is sent again as an event
        // rather than skipped (read the other way round, a task ending in between left the stream open for good).
        int seq = tasks.lastEventSeq(taskId);
        var snapshot = current.get();
        send(out, "snapshot", Json.write(snapshot), seq);
        long lastSent = System.nanoTime();
        boolean done = snapshot.status().phase().terminal();
        try {
            while (!done) {
                Thread.sleep(POLL.toMillis());
                for (var event : tasks.eventsAfter(taskId, seq)) {
                    seq = event.seq();
                    send(out, event.kind().wire(), event.snapshot(), seq);
                    lastSent = System.nanoTime();
                    done |= event.kind() == TaskEvent.Kind.COMPLETED
                            || event.kind() == TaskEvent.Kind.FAILED
                            || event.kind() == TaskEvent.Kind.CANCELLED;
                }
                if (!done && System.nanoTime() - lastSent > KEEP_ALIVE.toNanos()) {
                    // A quiet stream looks at the task itself: the snapshot above may come from this process's cache
                    // in the instant between a commit and its forgetting, older than the number read before it.
                    snapshot = current.get();
                    if (snapshot.status().phase().terminal()) {
                        send(out, "snapshot", Json.write(snapshot), seq);
                        done = true;
                    } else {
                        out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                    lastSent = System.nanoTime();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(OutputStream out, String event, String json, int seq) throws IOException {
        String frame = "id: " + seq + "\nevent: " + event + "\ndata: " + json + "\n\n";
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
