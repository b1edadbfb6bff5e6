package dev.spool.asset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.json.Json;
import dev.spool.media.MediaException;
import dev.spool.media.Mp4Mode;
import dev.spool.media.PipelineResult;
import dev.spool.mediajob.Failures;
import dev.spool.mediajob.MediaJob;
import dev.spool.mediajob.MediaJobs;
import dev.spool.mediajob.OutputPublisher;
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
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
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

    public UploadHandler(AssetRepository assets, ObjectStore store, MediaJobs jobs) {
        this.assets = assets;
        this.store = store;
        this.jobs = jobs;
    }

    @Override
    public TaskType type() {
        return TaskType.UPLOAD;
    }

    @Override
    public JsonNode run(Task task, TaskContext context) throws TaskFailure, InterruptedException {
        var asset = assets.find(task.outputAssetId())
                .filter(a -> a.status().phase() != Asset.Phase.DELETING && a.status().phase() != Asset.Phase.DELETED)
                .orElseThrow(() -> TaskFailure.unretriable("asset_deleted", "task cancelled, asset has been deleted"));
        return jobs.run(task, context, new Job(task, asset));
    }

    /** One attempt: the asset's source in, its playback files out under its playback id. */
    private final class Job implements MediaJob<Job.Transcoded> {
        private final Task task;
        private final Asset asset;
        private final boolean uploaded;

        private record Transcoded(Path source, Path output, PipelineResult result) {
        }

        Job(Task task, Asset asset) {
            this.task = task;
            this.asset = asset;
            this.uploaded = "directUpload".equals(asset.source().type());
        }

        @Override
        public void fetch(Path source) throws TaskFailure, IOException, InterruptedException {
            if (uploaded) {
                copyUploaded(asset.playbackId(), source);
            } else {
                jobs.fetch(task.params().upload().url(), source);
            }
        }

        @Override
        public Transcoded transcode(Path source, Path work, TaskContext context, DoubleConsumer progress)
                throws MediaException, IOException, InterruptedException {
            var params = task.params().upload();
            boolean c2pa = Boolean.TRUE.equals(params.c2pa());
            // HLS segments cannot carry a C2PA manifest: a signed asset always has signed MP4 siblings.
            var mp4 = Boolean.TRUE.equals(asset.staticMp4()) || c2pa ? Mp4Mode.ALL : Mp4Mode.SHORT_ONLY;
            Path output = work.resolve("out");
            var result = jobs.pipeline().run(jobs.request(source, output, params.profiles(),
                    params.targetSegmentSizeSecs(), mp4), progress::accept);
            if (c2pa) {
                result = jobs.signMp4s(result, output, asset.name(),
                        asset.creatorId() == null ? null : asset.creatorId().value());
            }
            return new Transcoded(source, output, result);
        }

        @Override
        public JsonNode publish(Transcoded transcoded, TaskContext context, DoubleConsumer progress)
                throws TaskFailure, IOException, InterruptedException {
            String prefix = asset.playbackId();
            var result = transcoded.result();
            Files.writeString(transcoded.output().resolve("metadata.json"), Json.write(metadata(task, asset, result)));
            var files = new ArrayList<>(result.files());
            files.add("metadata.json");
            OutputPublisher.publish(store, prefix, transcoded.output(), files, progress);
            if (!uploaded) {
                putSource(prefix, transcoded.source());
            }
            return output(result, asset, prefix);
        }
    }

    private void copyUploaded(String playbackId, Path target) throws TaskFailure, IOException {
        String key = playbackId + "/" + AssetUrls.SOURCE_PATH;
        try (InputStream in = store.get(key)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (StorageException e) {
            throw Failures.storage(e, "reading the uploaded file " + key);
        }
    }

    private void putSource(String prefix, Path source) throws TaskFailure {
        String key = prefix + "/" + AssetUrls.SOURCE_PATH;
        try {
            store.put(key, source, "application/octet-stream");
        } catch (StorageException e) {
            throw Failures.storage(e, "writing the source copy " + key);
        }
    }

    private static ObjectNode metadata(Task task, Asset asset, PipelineResult result) {
        var node = Json.mapper().createObjectNode();
        node.put("taskId", task.id());
        node.put("assetId", asset.id());
        node.put("playbackId", asset.playbackId());
        node.set("videoSpec", Json.mapper().valueToTree(result.inputSpec()));
        node.set("renditions", Json.mapper().valueToTree(result.renditions()));
        node.set("mp4", Json.mapper().valueToTree(result.mp4s()));
        return node;
    }

    /** {@code output.upload}: the asset spec (size, hashes, videoSpec, files) and where the source and metadata are. */
    private static JsonNode output(PipelineResult result, Asset asset, String prefix) {
        var files = new ArrayList<Asset.AssetFile>();
        files.add(new Asset.AssetFile(Asset.AssetFile.HLS_MANIFEST, result.masterPlaylist(), null, null, null, null));
        files.add(new Asset.AssetFile(Asset.AssetFile.SOURCE, AssetUrls.SOURCE_PATH, result.inputSize(), null, null,
                null));
        for (var mp4 : result.mp4s()) {
            files.add(new Asset.AssetFile(Asset.AssetFile.MP4, mp4.path(), mp4.size(), mp4.width(), mp4.height(),
                    mp4.bitrate()));
        }
        if (result.thumbnailsVtt() != null) {
            files.add(new Asset.AssetFile(Asset.AssetFile.THUMBNAILS_VTT, result.thumbnailsVtt(), null, null, null,
                    null));
        }
        var spec = new AssetSpec(asset.name(), "video", result.inputSize(),
                List.of(new Asset.Hash(result.md5(), "md5"), new Asset.Hash(result.sha256(), "sha256")),
                Json.mapper().valueToTree(result.inputSpec()), files);
        var upload = new UploadOutput(prefix + "/" + AssetUrls.SOURCE_PATH, prefix + "/metadata.json", spec);
        var output = Json.mapper().createObjectNode();
        output.set("upload", Json.mapper().valueToTree(upload));
        return output;
    }

    /** {@code output.upload}, as Livepeer writes it. */
    private record UploadOutput(String videoFilePath, String metadataFilePath, AssetSpec assetSpec) {
    }
}
