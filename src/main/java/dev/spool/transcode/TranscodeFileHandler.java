package dev.spool.transcode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.asset.AssetValidation;
import dev.spool.crypto.SecretBox;
import dev.spool.json.Json;
import dev.spool.media.Fmp4Packager;
import dev.spool.media.MediaException;
import dev.spool.media.Mp4Mode;
import dev.spool.media.PipelineResult;
import dev.spool.mediajob.Failures;
import dev.spool.mediajob.FetchedInput;
import dev.spool.mediajob.MediaJob;
import dev.spool.mediajob.MediaJobs;
import dev.spool.mediajob.OutputPublisher;
import dev.spool.storage.AddressGuard;
import dev.spool.storage.FetchException;
import dev.spool.storage.ObjectStore;
import dev.spool.storage.ObjectStores;
import dev.spool.storage.S3Location;
import dev.spool.storage.StorageException;
import dev.spool.task.Credentials;
import dev.spool.task.Task;
import dev.spool.task.TaskParams;
import dev.spool.task.TaskType;
import dev.spool.task.engine.TaskContext;
import dev.spool.task.engine.TaskFailure;
import dev.spool.task.engine.TaskHandler;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleConsumer;
import java.util.stream.Collectors;

/**
 * The {@code transcode-file} task: read the input (any URL the fetcher knows, S3 included), run the media pipeline,
 * and write the requested outputs into the caller's own bucket: the HLS ladder (master, media playlists, segments)
 * under {@code outputs.hls.path}, the same renditions remuxed into fragmented-MP4 HLS under {@code outputs.fmp4.path},
 * one MP4 per rendition under {@code outputs.mp4.path}. No asset, no thumbnails, no source copy.
 * {@code output.transcodeFile} says where everything went, relative to the bucket.
 */
public final class TranscodeFileHandler implements TaskHandler {
    private static final String MP4_PREFIX = "static";

    private final SecretBox secrets;
    private final AddressGuard guard;
    private final MediaJobs jobs;

    public TranscodeFileHandler(SecretBox secrets, AddressGuard guard, MediaJobs jobs) {
        this.secrets = secrets;
        this.guard = guard;
        this.jobs = jobs;
    }

    @Override
    public TaskType type() {
        return TaskType.TRANSCODE_FILE;
    }

    @Override
    public JsonNode run(Task task, TaskContext context) throws TaskFailure, InterruptedException {
        var params = task.params().transcodeFile();
        String input = url(params.input(), "input");
        S3Location storage = storage(url(params.storage(), "storage"));
        context.step("opening the output storage");
        try (ObjectStore store = open(storage)) {
            return jobs.run(task, context, new Job(task, input, storage, store));
        }
    }

    /** The pipeline's files, and the fMP4 ladder when one was asked for. */
    private record Transcoded(Path out, PipelineResult result, Path fmp4Dir, Fmp4Packager.Ladder fmp4) {}

    /** One attempt: the input fetched, transcoded, and written to the caller's bucket. */
    private final class Job implements MediaJob<Transcoded> {
        private final Task task;
        private final String input;
        private final S3Location storage;
        private final ObjectStore store;
        private final TaskParams.Outputs outputs;

        Job(Task task, String input, S3Location storage, ObjectStore store) {
            this.task = task;
            this.input = input;
            this.storage = storage;
            this.store = store;
            this.outputs = task.params().transcodeFile().outputs();
        }

        @Override
        public FetchedInput fetch(Path source) throws TaskFailure, InterruptedException {
            return jobs.fetchForTranscode(input, source);
        }

        @Override
        public Transcoded transcode(FetchedInput source, Path work, TaskContext context, DoubleConsumer progress)
                throws MediaException, IOException, InterruptedException {
            var params = task.params().transcodeFile();
            Path out = work.resolve("out");
            var request = jobs.builder(source, out, params.profiles(), params.targetSegmentSizeSecs())
                    .mp4(outputs.mp4() == null ? Mp4Mode.NONE : Mp4Mode.ALL)
                    .thumbnails(false)
                    .build();
            PipelineResult result = jobs.encode(task, context, request, progress);
            if (Boolean.TRUE.equals(params.c2pa())) {
                var creator = AssetValidation.creatorId(params.creatorId());
                result = jobs.signMp4s(result, out, fileName(input), creator == null ? null : creator.value());
            }
            Fmp4Packager.Ladder fmp4 = null;
            Path fmp4Dir = work.resolve("fmp4");
            if (outputs.fmp4() != null) {
                context.checkCancelled();
                context.step("packaging fMP4");
                fmp4 = jobs.fmp4().pack(out, result.renditions(), request.segmentSeconds(), fmp4Dir);
            }
            return new Transcoded(out, result, fmp4Dir, fmp4);
        }

        @Override
        public JsonNode publish(Transcoded transcoded, TaskContext context, DoubleConsumer progress)
                throws TaskFailure, IOException, InterruptedException {
            var result = transcoded.result();
            var output = Json.mapper().createObjectNode();
            var batches = new ArrayList<Batch>();
            if (outputs.hls() != null) {
                batches.add(hls(storage, outputs.hls().prefix(), transcoded.out(), result, output));
            }
            if (transcoded.fmp4() != null) {
                String prefix = outputs.fmp4().prefix();
                batches.add(new Batch(
                        prefix, transcoded.fmp4Dir(), transcoded.fmp4().files()));
                output.putObject("fmp4")
                        .put("path", inBucket(storage, prefix, transcoded.fmp4().masterPlaylist()));
            }
            if (outputs.mp4() != null) {
                batches.add(mp4(storage, outputs.mp4().prefix(), transcoded.out(), result, output));
            }
            TranscodeFileHandler.publish(store, batches, progress);
            output.put("request_id", task.id());
            output.putObject("input_video")
                    .put(
                            "duration",
                            result.inputSpec().duration() == null
                                    ? 0
                                    : result.inputSpec().duration())
                    .put("size", result.inputSize());
            context.progress(1);
            var wrapper = Json.mapper().createObjectNode();
            wrapper.set("transcodeFile", output);
            return wrapper;
        }
    }

    /** The last segment of the input's path, never its host or credentials: how a signed output names its source. */
    private static String fileName(String url) {
        String path;
        try {
            path = URI.create(url).getPath();
        } catch (IllegalArgumentException e) {
            path = null;
        }
        String name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
        return name.isEmpty() ? "input" : name;
    }

    /** One output's files, written together under its prefix. */
    private record Batch(String prefix, Path dir, List<String> files) {}

    /** The HLS ladder: every file the pipeline wrote but the MP4s. */
    private static Batch hls(S3Location storage, String prefix, Path out, PipelineResult result, ObjectNode output) {
        Set<String> mp4s =
                result.mp4s().stream().map(PipelineResult.Mp4Output::path).collect(Collectors.toSet());
        output.putObject("hls").put("path", inBucket(storage, prefix, result.masterPlaylist()));
        return new Batch(
                prefix,
                out,
                result.files().stream().filter(f -> !mp4s.contains(f)).toList());
    }

    /** The MP4s, moved aside under Livepeer's names for static renditions, e.g. static360p0.mp4. */
    private static Batch mp4(S3Location storage, String prefix, Path out, PipelineResult result, ObjectNode output)
            throws IOException {
        Path dir = Files.createDirectories(out.resolve(".mp4"));
        var names = new ArrayList<String>();
        for (String file : result.mp4s().stream()
                .map(PipelineResult.Mp4Output::path)
                .sorted()
                .toList()) {
            String name = MP4_PREFIX + file;
            Files.move(out.resolve(file), dir.resolve(name));
            names.add(name);
        }
        var list = output.putArray("mp4");
        names.forEach(name -> list.addObject().put("path", inBucket(storage, prefix, name)));
        return new Batch(prefix, dir, names);
    }

    /** The batches in order; progress moves with the number of files written over all of them. */
    private static void publish(ObjectStore store, List<Batch> batches, DoubleConsumer progress)
            throws TaskFailure, InterruptedException {
        int total = batches.stream().mapToInt(b -> b.files().size()).sum();
        int done = 0;
        for (Batch batch : batches) {
            int before = done;
            int size = batch.files().size();
            OutputPublisher.publish(
                    store,
                    batch.prefix(),
                    batch.dir(),
                    batch.files(),
                    p -> progress.accept((before + size * p) / total));
            done += size;
        }
    }

    /** A path as Livepeer reports it: from the bucket's root (the storage URL's own prefix included). */
    private static String inBucket(S3Location storage, String prefix, String file) {
        var parts = new ArrayList<String>();
        for (String part : List.of(storage.path(), prefix, file)) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    /** The URL in clear: opened from its sealed form, or as stored when it carries no credentials. */
    private String url(TaskParams.UrlRef ref, String field) throws TaskFailure {
        if (ref.sealed() != null) {
            try {
                return secrets.open(ref.sealed());
            } catch (SecretBox.UnreadableSecret e) {
                // Another key sealed it: a worker configured differently from the API; another worker may do.
                throw TaskFailure.retriable(
                        "secret_unreadable",
                        "this worker cannot decrypt the " + field + " credentials (" + e.getMessage()
                                + "): every Spool process must share SPOOL_SECRET_KEY",
                        e);
            }
        }
        if (ref.url().contains("://" + Credentials.MASK)) {
            throw TaskFailure.unretriable(
                    "credentials_erased",
                    "the " + field + " credentials were erased when "
                            + "this task ended; create a new transcode task instead of retrying this one");
        }
        return ref.url();
    }

    private S3Location storage(String url) throws TaskFailure {
        S3Location location;
        try {
            location = S3Location.parse(url);
        } catch (StorageException e) {
            throw Failures.storage(e, "reading the output storage URL");
        }
        try {
            guard.check(location.endpoint());
        } catch (FetchException e) {
            throw TaskFailure.unretriable(e.code(), "cannot write to the output storage: " + e.getMessage());
        }
        return location;
    }

    private static ObjectStore open(S3Location location) throws TaskFailure {
        try {
            return ObjectStores.open(location);
        } catch (StorageException e) {
            throw Failures.storage(e, "opening the output storage");
        }
    }
}
