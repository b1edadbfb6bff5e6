package dev.spool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.json.Json;
import java.io.PrintWriter;
import java.util.Set;

/**
 * Follows a task over its server-sent event stream ({@code /api/task/{id}/events}) with a progress bar until it
 * ends, and answers the task as it ended. A stream that closes early (a restart, a proxy's timeout) is opened again.
 */
final class TaskWatcher {
    private static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");

    private TaskWatcher() {}

    static JsonNode follow(SpoolClient client, String taskId, PrintWriter err) {
        var bar = ProgressBar.fraction(err, "task " + taskId);
        while (true) {
            var ended = followStream(client, taskId, bar);
            if (ended != null) {
                bar.done();
                return ended;
            }
            var task = client.get("/api/task/" + taskId);
            if (terminal(task)) {
                bar.done();
                return task;
            }
        }
    }

    /** Whether a task ended well; otherwise prints why it did not, and says so. */
    static boolean report(JsonNode task, PrintWriter err) {
        String phase = phase(task);
        if (phase.equals("completed")) {
            return true;
        }
        String error = task.path("status").path("errorMessage").asText("");
        err.println("spool: task " + task.path("id").asText() + " " + phase + (error.isEmpty() ? "" : ": " + error));
        return false;
    }

    static boolean terminal(JsonNode task) {
        return TERMINAL.contains(phase(task));
    }

    private static JsonNode followStream(SpoolClient client, String taskId, ProgressBar bar) {
        try (var lines = client.events("/api/task/" + taskId + "/events")) {
            var data = new StringBuilder();
            var iterator = lines.iterator();
            while (iterator.hasNext()) {
                String line = iterator.next();
                if (line.startsWith("data:")) {
                    data.append(line.substring("data:".length()).trim());
                } else if (line.isEmpty() && !data.isEmpty()) {
                    var task = Json.tree(data.toString());
                    data.setLength(0);
                    bar.fraction(progress(task), phase(task));
                    if (terminal(task)) {
                        return task;
                    }
                }
            }
            return null;
        }
    }

    private static double progress(JsonNode task) {
        return phase(task).equals("completed")
                ? 1
                : task.path("status").path("progress").asDouble(0);
    }

    private static String phase(JsonNode task) {
        return task.path("status").path("phase").asText("");
    }
}
