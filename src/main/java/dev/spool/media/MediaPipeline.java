package dev.spool.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one input file into an HLS ladder (master + media playlists + segments), static MP4s and
 * keyframe thumbnails: probe, validate, plan, encode (one ffmpeg process per chunk, chunks in
 * parallel for long inputs), join, measure, package. Interrupting the calling thread kills every
 * ffmpeg it started and leaves nothing behind.
 */
public final class MediaPipeline {

    private static final Logger log = LoggerFactory.getLogger(MediaPipeline.class);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);
    /** How much shorter than declared a decoded video may be before the source counts as incomplete. */
    private static final double MISSING_TOLERANCE_SECONDS = 0.5;

    private final FfmpegBinaries binaries;
    private final Prober prober;
    private final LadderPlanner planner;
    private final Packager packager;
    private final EncodeObserver observer;

    /** With Spool's default ladder and no one observing the encodes. */
    public MediaPipeline(FfmpegBinaries binaries) {
        this(binaries, EncodeObserver.NONE, Ladder.SPOOL);
    }

    /** @param ladder the default ladder for requests without profiles */
    public MediaPipeline(FfmpegBinaries binaries, EncodeObserver observer, Ladder ladder) {
        this.binaries = binaries;
        this.prober = new Prober(binaries);
        this.planner = new LadderPlanner(ladder);
        this.packager = new Packager(binaries);
        this.observer = observer;
    }

    /**
     * @throws MediaException       unretriable for bad input or profiles, retriable when ffmpeg fails
     * @throws InterruptedException when the calling thread was interrupted; ffmpeg is killed first
     */
    public PipelineResult run(PipelineRequest request, ProgressListener listener)
            throws MediaException, InterruptedException {
        return run(request, listener, SegmentListener.NONE, null);
    }

    /**
     * @param segments    told about each finished segment while a single-process encode runs (a chunked encode
     *                    reports none: its segments change when the chunks are joined)
     * @param chunkRunner where a long input's chunks are encoded (see {@link DistributedEncode#applies}), or null
     *                    to encode them in this process
     * @throws MediaException       unretriable for bad input or profiles, retriable when ffmpeg fails
     * @throws InterruptedException when the calling thread was interrupted; ffmpeg is killed first
     */
    public PipelineResult run(
            PipelineRequest request, ProgressListener listener, SegmentListener segments, ChunkRunner chunkRunner)
            throws MediaException, InterruptedException {
        long started = System.nanoTime();
        InputValidator validator = new InputValidator(request.maxInputBytes());
        ArrivingInput arriving = readableWhileArriving(request);
        VideoSpec probed = null;
        long checkedSize = 0;
        if (arriving != null) {
            probed = prober.probeArriving(arriving.url()).orElse(null);
            if (probed == null) {
                arriving.awaitWhole();
                arriving = null;
            }
        }
        if (arriving == null) {
            checkedSize = validator.checkFile(request.input());
            probed = prober.probe(request.input());
        }
        validator.checkSpec(probed);
        InputRange range = request.range() == null || probed.duration() == null
                ? request.range()
                : request.range().within(probed.duration());
        VideoSpec spec = range == null ? probed : probed.withDuration(range.length());
        List<Rendition> renditions = planner.plan(spec, request.profiles());
        List<ChunkPlan.Chunk> chunks = ChunkPlan.plan(
                spec.duration(), request.segmentSeconds(), request.chunkThresholdSeconds(), request.maxParallel());
        ProgressTracker progress = new ProgressTracker(listener, chunks);
        progress.chunk(0, 0);
        boolean distributed = DistributedEncode.applies(chunkRunner, chunks, renditions);
        // chunks seek into the input and cluster workers read its file: they need it whole
        boolean encodedWhileArriving = arriving != null && !distributed && chunks.size() == 1;
        log.info(
                "transcoding {} ({} s, {} renditions, {} chunk(s){})",
                request.input().getFileName(),
                spec.duration(),
                Math.max(1, renditions.size()),
                chunks.size(),
                encodedWhileArriving ? ", while it arrives" : "");
        ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
        try (WorkDir work = createWorkDir(request.outputDir())) {
            Future<Long> checked = arriving == null
                    ? CompletableFuture.completedFuture(checkedSize)
                    : background.submit(checkedOnceWhole(request, validator, probed, arriving));
            Future<InputHashes> hashes = range == null ? background.submit(() -> hashesOnceWhole(request)) : null;
            EncodeCommand command = new EncodeCommand(binaries, request, spec, renditions, range);
            Set<String> mp4Names = mp4Names(request, spec, command.outputNames());
            prepareDirectories(work, command, request, renditions);
            List<ChunkPlan.Chunk> encoded = chunks;
            String inputUrl = arriving == null ? Prober.fileUrl(request.input()) : arriving.url();
            try {
                if (distributed) {
                    var distributedEncode = new DistributedEncode(binaries);
                    try (JoinAudio audio = distributedEncode.startAudio(work, command, chunks, inputUrl)) {
                        await(checked);
                        encoded = List.of(distributedEncode.encode(
                                work,
                                command,
                                chunks,
                                mp4Names,
                                progress,
                                outputFps(spec, renditions),
                                chunkRunner,
                                request.input(),
                                inputHashes(request, hashes).sha256(),
                                audio));
                    }
                    checkComplete(work, command, encoded);
                } else {
                    if (arriving != null && !encodedWhileArriving) {
                        await(checked);
                        inputUrl = Prober.fileUrl(request.input());
                    }
                    try (SegmentWatcher watcher = chunks.size() == 1 && segments != SegmentListener.NONE
                            ? SegmentWatcher.start(work, command.outputNames(), segments)
                            : null) {
                        encode(
                                work,
                                command,
                                inputUrl,
                                chunks,
                                request.maxParallel(),
                                chunks.size() == 1 ? mp4Names : Set.of(),
                                progress,
                                outputFps(spec, renditions));
                        if (watcher != null) {
                            watcher.finish();
                        }
                    }
                }
            } catch (MediaException e) {
                if (arriving != null) {
                    // an input that stopped arriving ends ffmpeg's reads short: the fetch's failure is the cause
                    arriving.throwIfFailed();
                }
                throw e;
            }
            long size = await(checked);
            Packager.Packaged packaged = packager.pack(work, command.outputNames(), renditions, encoded, mp4Names);
            InputHashes hash;
            if (range == null) {
                hash = await(hashes);
            } else {
                Path own = work.resolve(PipelineResult.largest(packaged.mp4s())
                        .orElseThrow(() -> MediaException.badInput("range_empty", "the range holds no media to keep"))
                        .path());
                hash = InputHashes.of(own);
                size = Files.size(own);
            }
            List<String> files = work.publish();
            progress.finished();
            var result = new PipelineResult(
                    spec,
                    size,
                    hash.md5(),
                    hash.sha256(),
                    packaged.renditions(),
                    packaged.mp4s(),
                    Packager.MASTER,
                    packaged.thumbnailsVtt(),
                    files);
            observer.finished(result, Duration.ofNanos(System.nanoTime() - started));
            return result;
        } catch (IOException e) {
            throw new MediaException("io_error", "cannot write the outputs: " + e.getMessage(), true, e);
        } finally {
            background.shutdownNow();
        }
    }

    /**
     * The request's arriving input when the encode may read it as it comes: the whole input is wanted (a range
     * seeks) and its layout reads from the start without its end. Otherwise null, the input then read once whole.
     */
    private static ArrivingInput readableWhileArriving(PipelineRequest request)
            throws MediaException, InterruptedException {
        ArrivingInput arriving = request.arriving();
        if (arriving == null) {
            return null;
        }
        if (request.range() == null && ArrivalOrder.readableFromTheStart(arriving.head(ArrivalOrder.HEAD_BYTES))) {
            return arriving;
        }
        arriving.awaitWhole();
        return null;
    }

    /**
     * For an input read while it arrived, what the probe of a whole file checks first, once it is whole: its size,
     * answered, and its tail.
     */
    private Callable<Long> checkedOnceWhole(
            PipelineRequest request, InputValidator validator, VideoSpec probed, ArrivingInput arriving) {
        return () -> {
            arriving.awaitWhole();
            long size = validator.checkFile(request.input());
            prober.checkTail(request.input(), probed);
            return size;
        };
    }

    /** The whole input's hashes: those being computed in the background, or else (a range is encoded) now. */
    private static InputHashes inputHashes(PipelineRequest request, Future<InputHashes> hashes)
            throws MediaException, InterruptedException {
        return hashes != null ? await(hashes) : hashesOnceWhole(request);
    }

    private static InputHashes hashesOnceWhole(PipelineRequest request) throws MediaException, InterruptedException {
        if (request.arriving() != null) {
            request.arriving().awaitWhole();
        }
        try {
            return InputHashes.of(request.input());
        } catch (IOException e) {
            throw new MediaException("io_error", "cannot read the input to hash it: " + e.getMessage(), true, e);
        }
    }

    private static WorkDir createWorkDir(Path outputDir) throws MediaException {
        try {
            return WorkDir.create(outputDir);
        } catch (IOException e) {
            throw new MediaException("io_error", "cannot create the output directory: " + e.getMessage(), true, e);
        }
    }

    private static Set<String> mp4Names(PipelineRequest request, VideoSpec spec, List<String> names) {
        if (!request.mp4().wanted(spec.duration())) {
            return Set.of();
        }
        Set<String> wanted = new HashSet<>(names);
        wanted.remove(Rendition.LOW_BITRATE);
        return wanted;
    }

    private static void prepareDirectories(
            WorkDir work, EncodeCommand command, PipelineRequest request, List<Rendition> renditions)
            throws IOException {
        for (String name : command.outputNames()) {
            Files.createDirectories(work.resolve(name));
        }
        if (request.thumbnails() && !renditions.isEmpty()) {
            Files.createDirectories(work.resolve(EncodeCommand.THUMBNAILS));
        }
    }

    /** Frame rate of the first rendition, which ffmpeg's frame counter follows; 0 for audio-only. */
    private static double outputFps(VideoSpec spec, List<Rendition> renditions) {
        if (renditions.isEmpty()) {
            return 0;
        }
        Rendition first = renditions.get(0);
        if (first.fps() != null) {
            return (double) first.fps() / first.fpsDen();
        }
        // the constant rate it is encoded at: for a variable-rate source its peak, not the average fps
        return spec.video()
                .map(v -> Fraction.parse(v.frameRate()))
                .map(Fraction::value)
                .orElse(0.0);
    }

    /** Runs the chunks, at most {@code maxParallel} at once; the first failure stops the others. */
    private void encode(
            WorkDir work,
            EncodeCommand command,
            String inputUrl,
            List<ChunkPlan.Chunk> chunks,
            int maxParallel,
            Set<String> mp4Names,
            ProgressTracker progress,
            double fps)
            throws MediaException, InterruptedException {
        int parallel = Math.min(chunks.size(), maxParallel);
        ExecutorService pool = Executors.newFixedThreadPool(
                parallel, Thread.ofPlatform().name("ffmpeg-chunk-", 0).factory());
        CompletionService<Void> running = new ExecutorCompletionService<>(pool);
        try {
            for (ChunkPlan.Chunk chunk : chunks) {
                running.submit(LogContext.carried(() -> {
                    encodeChunk(work, command, inputUrl, chunk, mp4Names, progress, fps);
                    return null;
                }));
            }
            // in completion order, so a failing chunk stops the others at once
            for (int done = 0; done < chunks.size(); done++) {
                running.take().get();
            }
            checkComplete(work, command, chunks);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof MediaException media) {
                throw media;
            }
            if (e.getCause() instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw new MediaException("ffmpeg_failed", "encoding failed: " + e.getCause(), true, e.getCause());
        } finally {
            pool.shutdownNow();
            // workers kill their ffmpeg when interrupted; wait so no process outlives the run
            boolean interrupted = Thread.interrupted();
            pool.awaitTermination(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A file can promise more than it holds (an upload cut short behind a complete index still probes
     * with its full duration): the video the encoders got out of it must reach the declared duration.
     * Audio-only files are left alone, their declared durations are often estimates.
     */
    private static void checkComplete(WorkDir work, EncodeCommand command, List<ChunkPlan.Chunk> chunks)
            throws MediaException {
        String first = command.outputNames().get(0);
        double declared = ChunkPlan.duration(chunks);
        if (first.equals(EncodeCommand.AUDIO_ONLY) || declared <= 0) {
            return;
        }
        double decoded = 0;
        try {
            for (ChunkPlan.Chunk chunk : chunks) {
                decoded += MediaPlaylist.read(work.resolve(EncodeCommand.chunkPlaylist(first, chunk.index())))
                        .totalDuration();
            }
        } catch (IOException e) {
            throw new MediaException("io_error", "cannot read the encoded playlist: " + e.getMessage(), true, e);
        }
        if (declared - decoded > Math.max(MISSING_TOLERANCE_SECONDS, declared * 0.01)) {
            throw MediaException.badInput(
                    "truncated",
                    "the source is incomplete: it declares "
                            + EncodeCommand.seconds(Math.round(declared * 10) / 10.0) + " s of video but only "
                            + EncodeCommand.seconds(Math.round(decoded * 10) / 10.0)
                            + " s could be decoded, which happens"
                            + " when an upload or copy stopped early. Upload the complete file.");
        }
    }

    private void encodeChunk(
            WorkDir work,
            EncodeCommand command,
            String inputUrl,
            ChunkPlan.Chunk chunk,
            Set<String> mp4Names,
            ProgressTracker progress,
            double fps)
            throws MediaException, InterruptedException {
        FfmpegProgress parser = new FfmpegProgress(chunk.expected(), fps, f -> progress.chunk(chunk.index(), f));
        Duration timeout = Duration.ofSeconds(600 + (long) (40 * chunk.expected()));
        List<String> args = command.build(chunk, mp4Names, inputUrl);
        log.debug("chunk {}: {}", chunk.index(), args);
        ChildProcess.Result result = ChildProcess.run(args, binaries.environment(), work.path(), parser, timeout);
        if (!result.ok()) {
            throw result.failure(
                    "ffmpeg_failed",
                    "encoding "
                            + (chunk.index() == 0 && chunk.length() == null ? "the input" : "chunk " + chunk.index()));
        }
        progress.chunk(chunk.index(), 1);
    }

    private static <T> T await(Future<T> background) throws MediaException, InterruptedException {
        try {
            return background.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof MediaException media) {
                throw media;
            }
            throw new MediaException(
                    "io_error", "cannot read the input: " + e.getCause().getMessage(), true, e.getCause());
        }
    }
}
