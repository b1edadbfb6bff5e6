package dev.spool.mediajob;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.media.MediaException;
import dev.spool.task.engine.TaskContext;
import dev.spool.task.engine.TaskFailure;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.DoubleConsumer;

/**
 * The three steps that make one media task type what it is; {@link MediaJobs#run} runs them in order inside the
 * frame every media task shares. {@code progress} takes each step's own fraction in [0, 1].
 *
 * @param <T> what the transcoding step hands to the publishing step
 */
public interface MediaJob<T> {
    /** Brings the input into {@code source}: whole when this returns, or still arriving while the transcode runs. */
    FetchedInput fetch(Path source) throws TaskFailure, IOException, InterruptedException;

    /** Turns the input into outputs inside {@code work}, the attempt's private directory. */
    T transcode(FetchedInput input, Path work, TaskContext context, DoubleConsumer progress)
            throws TaskFailure, MediaException, IOException, InterruptedException;

    /** Writes the outputs where they belong and answers the task's {@code output}. */
    JsonNode publish(T transcoded, TaskContext context, DoubleConsumer progress)
            throws TaskFailure, IOException, InterruptedException;
}
