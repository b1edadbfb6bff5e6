package dev.spool.mediajob;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.json.Json;
import dev.spool.media.ChunkEncoder;
import dev.spool.media.MediaException;
import dev.spool.storage.ObjectStore;
import dev.spool.storage.StorageException;
import dev.spool.task.Task;
import dev.spool.task.TaskType;
import dev.spool.task.engine.TaskContext;
import dev.spool.task.engine.TaskFailure;
import dev.spool.task.engine.TaskHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one chunk of a long media task on whichever worker claimed it: reads the source where the store keeps it (a
 * local store's file in place, so ffmpeg seeks to the chunk; otherwise a download), encodes the chunk's video and
 * puts what it wrote under the prefix its parent collects.
 */
public final class EncodeChunkHandler implements TaskHandler {
    private static final Logger log = LoggerFactory.getLogger(EncodeChunkHandler.class);

    private final ObjectStore store;
    private final ChunkEncoder encoder;
    private final MediaJobs jobs;

    public EncodeChunkHandler(ObjectStore store, ChunkEncoder encoder, MediaJobs jobs) {
        this.store = store;
        this.encoder = encoder;
        this.jobs = jobs;
    }

    @Override
    public TaskType type() {
        return TaskType.ENCODE_CHUNK;
    }

    @Override
    public JsonNode run(Task task, TaskContext context) throws TaskFailure, InterruptedException {
        var spec = ChunkSpec.of(task.params().encodeChunk());
        Path dir = jobs.workDir(task.id(), context.attempt());
        try {
            Path input = store.localFile(spec.source()).orElse(null);
            if (input == null) {
                input = dir.resolve("source");
                try (InputStream in = store.get(spec.source())) {
                    Files.copy(in, input);
                }
            }
            Path out = Files.createDirectories(dir.resolve("out"));
            long started = System.nanoTime();
            encoder.encode(spec.job(), input, out, context::progress);
            log.info(
                    "encoded chunk {} ({} s of media) in {} ms",
                    spec.job().index(),
                    Math.round(spec.job().expected() * 10) / 10.0,
                    (System.nanoTime() - started) / 1_000_000);
            context.checkCancelled();
            List<String> files;
            try (Stream<Path> walk = Files.walk(out)) {
                files = walk.filter(Files::isRegularFile)
                        .map(file -> out.relativize(file).toString().replace('\\', '/'))
                        .sorted()
                        .toList();
            }
            OutputPublisher.publish(store, spec.output(), out, files, p -> {});
            return Json.mapper().valueToTree(Map.of("files", files.size()));
        } catch (MediaException e) {
            throw Failures.of(e);
        } catch (StorageException e) {
            throw Failures.storage(e, "exchanging a chunk through the object store");
        } catch (IOException e) {
            throw TaskFailure.retriable("local_io", "internal error encoding a chunk: " + e.getMessage(), e);
        } finally {
            MediaJobs.deleteTree(dir);
        }
    }
}
