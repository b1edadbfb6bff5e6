package dev.spool.mediajob;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.json.Json;
import dev.spool.media.ChunkEncoder;
import dev.spool.media.ChunkRunner;
import dev.spool.media.MediaException;
import dev.spool.storage.ObjectStore;
import dev.spool.storage.ResumingRead;
import dev.spool.storage.StorageException;
import dev.spool.task.Task;
import dev.spool.task.TaskType;
import dev.spool.task.engine.TaskContext;
import dev.spool.task.engine.TaskFailure;
import dev.spool.task.engine.TaskHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleConsumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one chunk of a long media task on whichever worker claimed it: reads the source where the store keeps it (a
 * local store's file in place; otherwise through {@link StoreSource}, in ranges), so ffmpeg seeks to the chunk and
 * reads its part only; encodes the chunk's video and puts what it wrote under the prefix its parent collects.
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

    /**
     * The source served from the store to the chunk's ffmpeg. A store without local files has no source under this key
     * when the encode it belongs to has ended or started over.
     */
    private StoreSource served(ChunkSpec spec) throws TaskFailure {
        var object = store.head(spec.source())
                .orElseThrow(() -> TaskFailure.unretriable(
                        "source_missing",
                        "the chunk's source " + spec.source() + " is not in " + store.describe()
                                + ": the encode it belongs to has ended or started over"));
        return new StoreSource(store, spec.source(), object.size(), ResumingRead.PAUSES);
    }

    /** Encodes from the served source; a store read that failed for good is what failed the chunk, whatever ffmpeg did. */
    static void encode(ChunkEncoder encoder, ChunkRunner.Job job, StoreSource source, Path out, DoubleConsumer progress)
            throws MediaException, InterruptedException {
        try {
            encoder.encode(job, source.url(), out, progress);
        } catch (MediaException e) {
            source.throwIfFailed();
            throw e;
        }
        source.throwIfFailed();
    }

    @Override
    public JsonNode run(Task task, TaskContext context) throws TaskFailure, InterruptedException {
        var spec = ChunkSpec.of(task.params().encodeChunk());
        Path dir = jobs.workDir(task.id(), context.attempt());
        try {
            Path out = Files.createDirectories(dir.resolve("out"));
            long started = System.nanoTime();
            Optional<Path> local = store.localFile(spec.source());
            if (local.isPresent()) {
                encoder.encode(spec.job(), local.get(), out, context::progress);
            } else {
                try (StoreSource source = served(spec)) {
                    encode(encoder, spec.job(), source, out, context::progress);
                }
            }
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
