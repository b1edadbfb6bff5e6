package dev.spool.mediajob;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.c2pa.Mp4Signer;
import dev.spool.c2pa.Provenance;
import dev.spool.config.Config;
import dev.spool.media.Fmp4Packager;
import dev.spool.media.JoinAudio;
import dev.spool.media.MediaException;
import dev.spool.media.MediaPipeline;
import dev.spool.media.Mp4Mode;
import dev.spool.media.PipelineRequest;
import dev.spool.media.PipelineResult;
import dev.spool.media.SegmentListener;
import dev.spool.media.TranscodeProfile;
import dev.spool.storage.ContentTypes;
import dev.spool.storage.FetchException;
import dev.spool.storage.ObjectStore;
import dev.spool.storage.SourceFetcher;
import dev.spool.task.Task;
import dev.spool.task.TaskParams;
import dev.spool.task.engine.TaskContext;
import dev.spool.task.engine.TaskFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleConsumer;
import java.util.stream.Stream;

/**
 * What every media task shares: a private work directory removed in every outcome, fetch, transcode and publish
 * steps with their progress bands and cancellation points, the pipeline and the fMP4 packager, and the mapping from
 * the API's profiles to the pipeline's.
 */
public final class MediaJobs {
    private static final double FETCHED = 0.05;
    private static final double TRANSCODED = 0.90;
    private static final double PUBLISHED = 0.99;
    /** The version a signed output names as its software agent: the packaged one, or a build from source. */
    private static final String SPOOL_VERSION =
            Objects.requireNonNullElse(MediaJobs.class.getPackage().getImplementationVersion(), "development build");

    private final MediaPipeline pipeline;
    private final Fmp4Packager fmp4;
    private final SourceFetcher fetcher;
    private final Config.Media settings;
    private final Path workRoot;
    private final Mp4Signer signer;
    private final ObjectStore objects;

    /** @param objects where long inputs' chunks are exchanged with the workers that encode them */
    public MediaJobs(
            MediaPipeline pipeline,
            Fmp4Packager fmp4,
            SourceFetcher fetcher,
            Config.Media settings,
            Path workRoot,
            Mp4Signer signer,
            ObjectStore objects) {
        this.pipeline = pipeline;
        this.fmp4 = fmp4;
        this.fetcher = fetcher;
        this.settings = settings;
        this.workRoot = workRoot;
        this.signer = signer;
        this.objects = objects;
    }

    /**
     * Fetch, transcode, publish, each step named and followed by a cancellation point; the work dir goes after, and
     * once published, the files a chunked encode exchanged ({@link ClusterChunks}). A transcode may start while its
     * input still arrives.
     */
    public <T> JsonNode run(Task task, TaskContext context, MediaJob<T> job) throws TaskFailure, InterruptedException {
        Path work = workDir(task.id(), context.attempt());
        try {
            context.step("fetching");
            T transcoded;
            try (FetchedInput input = job.fetch(work.resolve("source"))) {
                context.progress(FETCHED);
                context.checkCancelled();

                context.step("transcoding");
                transcoded = job.transcode(
                        input, work, context, p -> context.progress(FETCHED + (TRANSCODED - FETCHED) * p));
            } catch (MediaException e) {
                throw Failures.of(e);
            }
            context.checkCancelled();

            context.step("publishing");
            JsonNode output =
                    job.publish(transcoded, context, p -> context.progress(TRANSCODED + (PUBLISHED - TRANSCODED) * p));
            ChunkLeftovers.reapPublished(objects, task.id(), context.attempt());
            return output;
        } catch (IOException e) {
            throw TaskFailure.retriable("local_io", "internal error processing file: " + e.getMessage(), e);
        } finally {
            deleteTree(work);
        }
    }

    public MediaPipeline pipeline() {
        return pipeline;
    }

    /**
     * Runs the pipeline for a task: a long input's chunks become {@code encode-chunk} child tasks that any worker of
     * the cluster claims (this one included), so a lost chunk is retried alone.
     */
    public PipelineResult encode(Task task, TaskContext context, PipelineRequest request, DoubleConsumer progress)
            throws MediaException, InterruptedException {
        return encode(task, context, request, progress, SegmentListener.NONE);
    }

    /** As above, handing each finished segment of a single-process encode to {@code segments} as it is written. */
    public PipelineResult encode(
            Task task, TaskContext context, PipelineRequest request, DoubleConsumer progress, SegmentListener segments)
            throws MediaException, InterruptedException {
        var chunks = new ClusterChunks(objects, context, task.id());
        try {
            return pipeline.run(request, progress::accept, segments, chunks);
        } catch (MediaException e) {
            if (!e.code().equals(JoinAudio.FAILED)) {
                chunks.discardCollected();
            }
            throw e;
        }
    }

    public Fmp4Packager fmp4() {
        return fmp4;
    }

    /**
     * Fetches {@code url} into {@code target} for a transcode that may read it while it arrives: a source fetched in
     * one response written front to back; any other is fetched whole first.
     */
    public FetchedInput fetchForTranscode(String url, Path target) throws TaskFailure, InterruptedException {
        if (!SourceFetcher.writtenInOrder(url)) {
            fetch(url, target);
            return FetchedInput.whole(target);
        }
        return new FetchedInput(target, ArrivingSource.start(fetcher, url, target));
    }

    /** Downloads {@code url} (any scheme the fetcher knows) into {@code target}. */
    public void fetch(String url, Path target) throws TaskFailure, InterruptedException {
        try {
            fetcher.fetch(url, target, bytes -> {});
        } catch (FetchException e) {
            throw Failures.of(e);
        }
    }

    /**
     * Signs every static MP4 of {@code result} (in {@code out}) with a C2PA manifest that names the source as its
     * parent ingredient; the sizes are measured again, the manifest having grown each file.
     */
    public PipelineResult signMp4s(PipelineResult result, Path out, String sourceName, String creator)
            throws IOException {
        String title = sourceName == null || sourceName.isBlank() ? "source" : sourceName;
        var provenance = new Provenance(
                SPOOL_VERSION, title, ContentTypes.forKey(title), HexFormat.of().parseHex(result.sha256()), creator);
        var signed = new ArrayList<PipelineResult.Mp4Output>();
        for (var mp4 : result.mp4s()) {
            Path file = out.resolve(mp4.path());
            signer.sign(file, provenance);
            signed.add(new PipelineResult.Mp4Output(
                    mp4.path(), Files.size(file), mp4.width(), mp4.height(), mp4.bitrate()));
        }
        return new PipelineResult(
                result.inputSpec(),
                result.inputSize(),
                result.md5(),
                result.sha256(),
                result.renditions(),
                signed,
                result.masterPlaylist(),
                result.thumbnailsVtt(),
                result.files());
    }

    /** A fresh directory for one attempt of one task. */
    Path workDir(String taskId, int attempt) {
        try {
            Path dir = workRoot.resolve(taskId + "-" + attempt);
            deleteTree(dir);
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work directory under " + workRoot, e);
        }
    }

    public PipelineRequest request(
            FetchedInput input, Path output, List<TaskParams.Profile> profiles, Double segmentSeconds, Mp4Mode mp4) {
        return builder(input, output, profiles, segmentSeconds)
                .mp4(mp4)
                .thumbnails(true)
                .build();
    }

    /** A request with the caller's renditions and segment length and this server's media settings. */
    public PipelineRequest.Builder builder(
            FetchedInput input, Path output, List<TaskParams.Profile> profiles, Double segmentSeconds) {
        return PipelineRequest.builder(input.file(), output)
                .arriving(input.arriving())
                .profiles(
                        profiles == null
                                ? List.of()
                                : profiles.stream().map(MediaJobs::toPipeline).toList())
                .segmentSeconds(segmentSeconds == null ? PipelineRequest.DEFAULT_SEGMENT_SECONDS : segmentSeconds)
                .preset(settings.preset())
                .chunking(settings.chunkThresholdSeconds(), settings.maxParallel())
                .maxInputBytes(settings.maxInputBytes());
    }

    private static TranscodeProfile toPipeline(TaskParams.Profile p) {
        return new TranscodeProfile(
                p.name(),
                p.width(),
                p.height(),
                p.bitrate(),
                p.quality(),
                p.fps(),
                p.fpsDen(),
                p.gop(),
                p.profile() == null ? null : TranscodeProfile.H264Profile.parse(p.profile()),
                p.encoder() == null ? null : TranscodeProfile.Encoder.parse(p.encoder()));
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}
