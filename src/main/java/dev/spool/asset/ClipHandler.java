package dev.spool.asset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.json.Json;
import dev.spool.media.InputRange;
import dev.spool.media.MediaException;
import dev.spool.media.PipelineResult;
import dev.spool.mediajob.FetchedInput;
import dev.spool.mediajob.MediaJob;
import dev.spool.mediajob.MediaJobs;
import dev.spool.mediajob.OutputPublisher;
import dev.spool.storage.ObjectStore;
import dev.spool.task.Task;
import dev.spool.task.TaskParams;
import dev.spool.task.TaskType;
import dev.spool.task.engine.TaskContext;
import dev.spool.task.engine.TaskFailure;
import dev.spool.task.engine.TaskHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Optional;
import java.util.function.DoubleConsumer;

/**
 * The {@code clip} task: the range {@code params.clip.clipStrategy} names (milliseconds from the start of the input
 * asset) of the input asset's source becomes the output asset, through the whole pipeline. Only the range is
 * decoded; the clip's own file is its largest MP4.
 */
public final class ClipHandler implements TaskHandler {
    private final AssetRepository assets;
    private final ObjectStore store;
    private final MediaJobs jobs;

    public ClipHandler(AssetRepository assets, ObjectStore store, MediaJobs jobs) {
        this.assets = assets;
        this.store = store;
        this.jobs = jobs;
    }

    @Override
    public TaskType type() {
        return TaskType.CLIP;
    }

    @Override
    public JsonNode run(Task task, TaskContext context) throws TaskFailure, InterruptedException {
        var clip = live(task.outputAssetId())
                .orElseThrow(() -> TaskFailure.unretriable("asset_deleted", "task cancelled, asset has been deleted"));
        var input = live(task.inputAssetId())
                .orElseThrow(() -> TaskFailure.unretriable("input_deleted", "the asset to clip has been deleted"));
        var strategy = task.params().clip().clipStrategy();
        if (strategy == null
                || strategy.startTime() == null
                || strategy.endTime() == null
                || strategy.endTime() <= strategy.startTime()
                || strategy.startTime() < 0) {
            throw TaskFailure.unretriable("invalid_clip", "params.clip.clipStrategy needs 0 <= startTime < endTime");
        }
        var range = new InputRange(strategy.startTime() / 1000, strategy.endTime() / 1000);
        return jobs.run(task, context, new Job(task, clip, input, range));
    }

    private Optional<Asset> live(String id) {
        return id == null
                ? Optional.empty()
                : assets.find(id)
                        .filter(a -> a.status().phase() != Asset.Phase.DELETING
                                && a.status().phase() != Asset.Phase.DELETED);
    }

    private final class Job implements MediaJob<Job.Transcoded> {
        private final Task task;
        private final Asset clip;
        private final Asset input;
        private final InputRange range;

        private record Transcoded(Path output, PipelineResult result) {}

        Job(Task task, Asset clip, Asset input, InputRange range) {
            this.task = task;
            this.clip = clip;
            this.input = input;
            this.range = range;
        }

        @Override
        public FetchedInput fetch(Path source) throws TaskFailure, IOException {
            UploadHandler.copySource(store, input.playbackId(), source);
            return FetchedInput.whole(source);
        }

        @Override
        public Transcoded transcode(FetchedInput source, Path work, TaskContext context, DoubleConsumer progress)
                throws MediaException, InterruptedException {
            Path output = work.resolve("out");
            var request = jobs.builder(source, output, input.profiles(), input.targetSegmentSizeSecs())
                    .thumbnails(true)
                    .range(range)
                    .build();
            return new Transcoded(output, jobs.encode(task, context, request, progress));
        }

        @Override
        public JsonNode publish(Transcoded transcoded, TaskContext context, DoubleConsumer progress)
                throws TaskFailure, IOException, InterruptedException {
            var result = transcoded.result();
            Files.writeString(
                    transcoded.output().resolve(AssetSpecs.METADATA),
                    Json.write(AssetSpecs.metadata(task, clip, result)));
            var files = new ArrayList<>(result.files());
            files.add(AssetSpecs.METADATA);
            OutputPublisher.publish(store, clip.playbackId(), transcoded.output(), files, progress);
            var own = result.largestMp4()
                    .orElseThrow(() -> TaskFailure.unretriable("clip_empty", "the clip holds no media"));
            var output = Json.mapper().createObjectNode();
            output.set("clip", AssetSpecs.output(result, clip, own.path()));
            return output;
        }
    }

    /** What a clip task's parameters look like for the range {@code startMs..endMs} of {@code playbackId}. */
    static TaskParams params(double startMs, double endMs, String playbackId, String sessionId, String inputId) {
        return new TaskParams(
                null,
                null,
                null,
                null,
                new TaskParams.Clip(
                        null, new TaskParams.ClipStrategy(startMs, endMs, playbackId), null, sessionId, inputId));
    }
}
