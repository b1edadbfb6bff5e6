package dev.spool.asset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.access.DecryptionException;
import dev.spool.access.UploadDecryption;
import dev.spool.json.Json;
import dev.spool.media.MediaException;
import dev.spool.media.Mp4Mode;
import dev.spool.media.PipelineResult;
import dev.spool.mediajob.Failures;
import dev.spool.mediajob.FetchedInput;
import dev.spool.mediajob.MediaJob;
import dev.spool.mediajob.MediaJobs;
import dev.spool.mediajob.OutputPublisher;
import dev.spool.mediajob.SegmentPublisher;
import dev.spool.storage.ObjectStore;
import dev.spool.storage.StorageException;
import dev.spool.task.Task;
import dev.spool.task.TaskType;
import dev.spool.task.engine.TaskContext;
import dev.spool.task.engine.TaskFailure;
import dev.spool.task.engine.TaskHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.function.DoubleConsumer;

/**
 * The {@code upload} task: bring the source in (fetched from its URL, or the direct upload already in the object
 * store), run the media pipeline, publish everything under {@code <playbackId>/}, and describe the result as the
 * task's {@code output.upload} (which the asset takes its media fields from).
 */
public final class UploadHandler implements TaskHandler {
    private final AssetRepository assets;
    private final ObjectStore store;
    private final MediaJobs jobs;
    private final UploadDecryption decryption;

    public UploadHandler(AssetRepository assets, ObjectStore store, MediaJobs jobs, UploadDecryption decryption) {
        this.assets = assets;
        this.store = store;
        this.jobs = jobs;
        this.decryption = decryption;
    }

    @Override
    public TaskType type() {
        return TaskType.UPLOAD;
    }

    @Override
    public JsonNode run(Task task, TaskContext context) throws TaskFailure, InterruptedException {
        var asset = assets.find(task.outputAssetId())
                .filter(a ->
                        a.status().phase() != Asset.Phase.DELETING && a.status().phase() != Asset.Phase.DELETED)
                .orElseThrow(() -> TaskFailure.unretriable("asset_deleted", "task cancelled, asset has been deleted"));
        return jobs.run(task, context, new Job(task, asset));
    }

    /** One attempt: the asset's source in, its playback files out under its playback id. */
    private final class Job implements MediaJob<Job.Transcoded> {
        private final Task task;
        private final Asset asset;
        private final boolean uploaded;
        /** The input as received, when it is encrypted: what Spool keeps as the asset's source. */
        private Path encrypted;
        /** Segments go into the store while the encode runs; the publishing step writes the rest. */
        private final SegmentPublisher segments;

        private record Transcoded(Path source, Path output, PipelineResult result) {}

        Job(Task task, Asset asset) {
            this.task = task;
            this.asset = asset;
            this.uploaded = "directUpload".equals(asset.source().type());
            this.segments = new SegmentPublisher(store, asset.playbackId());
        }

        /**
         * Brings the input in: a URL's source arrives while the transcode reads it; an encrypted one is fetched
         * whole and decrypted beside it, in the attempt's work directory.
         */
        @Override
        public FetchedInput fetch(Path source) throws TaskFailure, IOException, InterruptedException {
            var encryption = task.params().upload().encryption();
            if (!uploaded && encryption == null) {
                return jobs.fetchForTranscode(task.params().upload().url(), source);
            }
            Path received = encryption == null ? source : source.resolveSibling("encrypted-source");
            if (uploaded) {
                copySource(store, asset.playbackId(), received);
            } else {
                jobs.fetch(task.params().upload().url(), received);
            }
            if (encryption != null) {
                try {
                    decryption.decrypt(encryption.encryptedKey(), received, source);
                } catch (DecryptionException e) {
                    throw TaskFailure.unretriable("decryption_failed", "decryption failed: " + e.getMessage());
                }
                encrypted = received;
            }
            return FetchedInput.whole(source);
        }

        @Override
        public Transcoded transcode(FetchedInput source, Path work, TaskContext context, DoubleConsumer progress)
                throws MediaException, IOException, InterruptedException {
            var params = task.params().upload();
            boolean c2pa = Boolean.TRUE.equals(params.c2pa());
            // HLS segments cannot carry a C2PA manifest: a signed asset always has signed MP4 siblings.
            var mp4 = Boolean.TRUE.equals(asset.staticMp4()) || c2pa ? Mp4Mode.ALL : Mp4Mode.SHORT_ONLY;
            Path output = work.resolve("out");
            PipelineResult result;
            try {
                result = jobs.encode(
                        task,
                        context,
                        jobs.request(source, output, params.profiles(), params.targetSegmentSizeSecs(), mp4),
                        progress,
                        segments);
            } catch (MediaException | InterruptedException | RuntimeException e) {
                segments.withdraw();
                throw e;
            }
            if (c2pa) {
                result = jobs.signMp4s(
                        result,
                        output,
                        asset.name(),
                        asset.creatorId() == null ? null : asset.creatorId().value());
            }
            return new Transcoded(source.file(), output, result);
        }

        @Override
        public JsonNode publish(Transcoded transcoded, TaskContext context, DoubleConsumer progress)
                throws TaskFailure, IOException, InterruptedException {
            String prefix = asset.playbackId();
            var result = transcoded.result();
            Files.writeString(
                    transcoded.output().resolve(AssetSpecs.METADATA),
                    Json.write(AssetSpecs.metadata(task, asset, result)));
            var files = new ArrayList<>(segments.remaining(result.files()));
            files.add(AssetSpecs.METADATA);
            OutputPublisher.publish(store, prefix, transcoded.output(), files, progress);
            if (!uploaded) {
                putSource(prefix, encrypted == null ? transcoded.source() : encrypted);
            }
            var output = Json.mapper().createObjectNode();
            output.set("upload", AssetSpecs.output(result, asset, AssetUrls.SOURCE_PATH));
            return output;
        }
    }

    /** An asset's source file out of the object store, at {@code target}, which nothing writes to. */
    static void copySource(ObjectStore store, String playbackId, Path target) throws TaskFailure, IOException {
        String key = playbackId + "/" + AssetUrls.SOURCE_PATH;
        try {
            store.getInto(key, target);
        } catch (StorageException e) {
            throw Failures.storage(e, "reading the source file " + key);
        }
    }

    private void putSource(String prefix, Path source) throws TaskFailure {
        String key = prefix + "/" + AssetUrls.SOURCE_PATH;
        try {
            store.putFinished(key, source, "application/octet-stream");
        } catch (StorageException e) {
            throw Failures.storage(e, "writing the source copy " + key);
        }
    }
}
