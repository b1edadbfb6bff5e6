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
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one chunk of a long media task on whichever worker claimed it: reads the source where the store keeps it (a
 * local store's file in place; otherwise a signed URL, read in ranges), so ffmpeg seeks to the chunk and reads its part
 * only; encodes the chunk's video and puts what it wrote under the prefix its parent collects.
 */
public final class EncodeChunkHandler implements TaskHandler {
    private static final Logger log = LoggerFactory.getLogger(EncodeChunkHandler.class);

    private static final Duration SIGNED_URL_MARGIN = Duration.ofMinutes(10);

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
     * The source through a signed URL valid for the chunk's whole time limit and then some, so ffmpeg seeks to the
     * chunk and fetches its part only, not the whole source. A store without such URLs keeps its objects as local
     * files, so there the source is simply gone: the encode it belongs to has ended or started over.
     */
    private URI signedSource(ChunkSpec spec) throws TaskFailure {
        Duration valid = Duration.ofSeconds(spec.job().timeoutSeconds()).plus(SIGNED_URL_MARGIN);
        return store.signedReadUrl(spec.source(), valid)
                .orElseThrow(() -> TaskFailure.unretriable(
                        "source_missing",
                        "the chunk's source " + spec.source() + " is not in " + store.describe()
                                + ": the encode it belongs to has ended or started over"));
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
                encoder.encode(spec.job(), signedSource(spec), out, context::progress);
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
