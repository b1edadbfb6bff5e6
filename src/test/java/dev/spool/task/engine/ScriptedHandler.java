package dev.spool.task.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.spool.task.Task;
import dev.spool.task.TaskType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The engine tests' task type (on {@code export-data}, which has no production handler): the task's
 * {@code params.exportData.content} scripts what a run does — sleep, report progress, fail retriably or not for
 * its first N attempts — and every run appends "taskId attempt worker start|done epochMillis" to a side-effect log
 * so tests can count exactly how often each task ran, where and when. A run whose sleep is interrupted (the engine
 * stopping it) appends "interrupted" before it gives up.
 */
public final class ScriptedHandler implements TaskHandler {
    private final Path sideEffects;
    private final String workerName;

    public ScriptedHandler(Path sideEffects, String workerName) {
        this.sideEffects = sideEffects;
        this.workerName = workerName;
    }

    @Override
    public TaskType type() {
        return TaskType.EXPORT_DATA;
    }

    @Override
    public JsonNode run(Task task, TaskContext context) throws TaskFailure, InterruptedException {
        JsonNode script = task.params().exportData().content();
        append(task.id() + " " + context.attempt() + " " + workerName + " start " + System.currentTimeMillis());
        int slowAttempts = script.path("slowAttempts").asInt(Integer.MAX_VALUE);
        long sleepMs =
                context.attempt() <= slowAttempts ? script.path("sleepMs").asLong(0) : 0;
        int steps = 10;
        for (int i = 1; i <= steps; i++) {
            try {
                Thread.sleep(sleepMs / steps);
            } catch (InterruptedException e) {
                append(task.id() + " " + context.attempt() + " " + workerName + " interrupted "
                        + System.currentTimeMillis());
                throw e;
            }
            context.checkCancelled();
            context.progress(i / (double) steps);
        }
        int failAttempts = script.path("failAttempts").asInt(0);
        String failure = script.path("fail").asText("");
        if (!failure.isEmpty() && (failAttempts == 0 || context.attempt() <= failAttempts)) {
            throw failure.equals("unretriable")
                    ? TaskFailure.unretriable("scripted", "scripted unretriable failure")
                    : TaskFailure.retriable("scripted", "scripted retriable failure on attempt " + context.attempt());
        }
        append(task.id() + " " + context.attempt() + " " + workerName + " done " + System.currentTimeMillis());
        return JsonNodeFactory.instance
                .objectNode()
                .set(
                        "exportData",
                        JsonNodeFactory.instance
                                .objectNode()
                                .set(
                                        "ipfs",
                                        JsonNodeFactory.instance.objectNode().put("cid", "done-" + task.id())));
    }

    private synchronized void append(String line) {
        try {
            Files.writeString(
                    sideEffects,
                    line + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.DSYNC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
