package dev.spool.media;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Turns one input file into an HLS ladder (master + media playlists + segments), static MP4s and
 * keyframe thumbnails: probe, validate, plan, encode (one ffmpeg process per chunk, chunks in
 * parallel for long inputs), join, measure, package. Interrupting the calling thread kills every
 * ffmpeg it started and leaves nothing behind.
 */
public final class MediaPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(MediaPipeline.class);
    private static final Duration REMUX_TIMEOUT = Duration.ofMinutes(30);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);
    static final String MASTER = "index.m3u8";
    static final String MEDIA = "index.m3u8";

    private final FfmpegBinaries binaries;
    private final Prober prober;
    private final LadderPlanner planner = new LadderPlanner();
    private final OutputProbe outputProbe;

    public MediaPipeline(FfmpegBinaries binaries) {
        this.binaries = binaries;
        this.prober = new Prober(binaries);
        this.outputProbe = new OutputProbe(binaries);
    }

    /**
     * @throws MediaException       unretriable for bad input or profiles, retriable when ffmpeg fails
     * @throws InterruptedException when the calling thread was interrupted; ffmpeg is killed first
     */
    public PipelineResult run(PipelineRequest request, ProgressListener listener)
            throws MediaException, InterruptedException {
        InputValidator validator = new InputValidator(request.maxInputBytes());
        long size = validator.checkFile(request.input());
        VideoSpec spec = prober.probe(request.input());
        validator.checkSpec(spec);
        List<Rendition> renditions = planner.plan(spec, request.profiles());
        List<ChunkPlan.Chunk> chunks = ChunkPlan.plan(spec.duration(), request.segmentSeconds(),
                request.chunkThresholdSeconds(), request.maxParallel());
        ProgressTracker progress = new ProgressTracker(listener,
                chunks.stream().mapToDouble(ChunkPlan.Chunk::expected).toArray());
        progress.chunk(0, 0);
        LOG.info("transcoding {} ({} s, {} renditions, {} chunk(s))", request.input().getFileName(), spec.duration(),
                Math.max(1, renditions.size()), chunks.size());
        ExecutorService hashing = Executors.newVirtualThreadPerTaskExecutor();
        try (WorkDir work = createWorkDir(request.outputDir())) {
            Future<InputHashes> hashes = hashing.submit(() -> InputHashes.of(request.input()));
            EncodeCommand command = new EncodeCommand(binaries, request, spec, renditions);
            Set<String> mp4Names = mp4Names(request, spec, command.outputNames());
            prepareDirectories(work, command, request, renditions);
            encode(work, command, chunks, request.maxParallel(), chunks.size() == 1 ? mp4Names : Set.of(), progress,
                    outputFps(spec, renditions));
            List<String> names = command.outputNames();
            List<MediaPlaylist> playlists = new ArrayList<>();
            for (String name : names) {
                playlists.add(join(work, name, chunks));
            }
            // reading back is one short ffprobe (or remux) per output: run them side by side
            List<Callable<PipelineResult.HlsRendition>> describeJobs = new ArrayList<>();
            List<Callable<PipelineResult.Mp4Output>> mp4Jobs = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                long bitrate = renditions.isEmpty() ? EncodeCommand.AUDIO_ONLY_BITRATE : renditions.get(i).bitrate();
                MediaPlaylist playlist = playlists.get(i);
                describeJobs.add(() -> describe(work, name, bitrate, playlist));
                if (mp4Names.contains(name)) {
                    mp4Jobs.add(() -> mp4(work, name, chunks.size() > 1));
                }
            }
            List<PipelineResult.HlsRendition> hls = all(describeJobs);
            List<PipelineResult.Mp4Output> mp4s = all(mp4Jobs);
            List<Double> segmentDurations = playlists.get(0).segments().stream()
                    .map(MediaPlaylist.Segment::duration).toList();
            List<PipelineResult.HlsRendition> ordered = MasterPlaylist.order(hls);
            Files.writeString(work.resolve(MASTER), MasterPlaylist.render(ordered));
            String vtt = null;
            Path thumbnailDir = work.resolve(EncodeCommand.THUMBNAILS);
            if (Files.isDirectory(thumbnailDir)) {
                vtt = EncodeCommand.THUMBNAILS + "/" + ThumbnailTrack.FILE;
                Files.writeString(work.resolve(vtt), ThumbnailTrack.render(segmentDurations, thumbnailDir));
            }
            InputHashes hash = awaitHashes(hashes);
            List<String> files = work.publish();
            progress.finished();
            return new PipelineResult(spec, size, hash.md5(), hash.sha256(), ordered, mp4s, MASTER, vtt, files);
        } catch (IOException e) {
            throw new MediaException("io_error", "cannot write the outputs: " + e.getMessage(), true, e);
        } finally {
            hashing.shutdownNow();
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

    private static void prepareDirectories(WorkDir work, EncodeCommand command, PipelineRequest request,
                                           List<Rendition> renditions) throws IOException {
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
        return spec.video().map(VideoSpec.Track::fps).orElse(0.0);
    }

    /** Runs the chunks, at most {@code maxParallel} at once; the first failure stops the others. */
    private void encode(WorkDir work, EncodeCommand command, List<ChunkPlan.Chunk> chunks, int maxParallel,
                        Set<String> mp4Names, ProgressTracker progress, double fps) throws MediaException, InterruptedException {
        int parallel = Math.min(chunks.size(), maxParallel);
        ExecutorService pool = Executors.newFixedThreadPool(parallel, Thread.ofPlatform().name("ffmpeg-chunk-", 0).factory());
        CompletionService<Void> running = new ExecutorCompletionService<>(pool);
        try {
            for (ChunkPlan.Chunk chunk : chunks) {
                running.submit(() -> {
                    encodeChunk(work, command, chunk, mp4Names, progress, fps);
                    return null;
                });
            }
            // in completion order, so a failing chunk stops the others at once
            for (int done = 0; done < chunks.size(); done++) {
                running.take().get();
            }
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

    private void encodeChunk(WorkDir work, EncodeCommand command, ChunkPlan.Chunk chunk, Set<String> mp4Names,
                             ProgressTracker progress, double fps) throws MediaException, InterruptedException {
        FfmpegProgress parser = new FfmpegProgress(chunk.expected(), fps, f -> progress.chunk(chunk.index(), f));
        Duration timeout = Duration.ofSeconds(600 + (long) (40 * chunk.expected()));
        List<String> args = command.build(chunk, mp4Names);
        LOG.debug("chunk {}: {}", chunk.index(), args);
        ChildProcess.Result result = ChildProcess.run(args, binaries.environment(), work.path(), parser, timeout);
        if (!result.ok()) {
            throw new MediaException("ffmpeg_failed", "ffmpeg failed (exit " + result.exitCode() + ") encoding "
                    + (chunk.index() == 0 && chunk.length() == null ? "the input" : "chunk " + chunk.index())
                    + ": " + result.stderrTail(), true);
        }
        progress.chunk(chunk.index(), 1);
    }

    /**
     * Joins the chunks' playlists into one continuous VOD playlist. Fragmented MP4 segments of later
     * chunks get their times moved to the chunk's place; identical initialisation sections (the
     * normal case) collapse into one {@code init.mp4}.
     */
    private static MediaPlaylist join(WorkDir work, String name, List<ChunkPlan.Chunk> chunks) throws IOException {
        Path dir = work.resolve(name);
        List<MediaPlaylist.Segment> segments = new ArrayList<>();
        byte[] firstInit = null;
        for (ChunkPlan.Chunk chunk : chunks) {
            int k = chunk.index();
            Path chunkPlaylist = work.resolve(EncodeCommand.chunkPlaylist(name, k));
            MediaPlaylist part = MediaPlaylist.read(chunkPlaylist);
            Files.delete(chunkPlaylist);
            String init = null;
            Path initFile = dir.resolve(EncodeCommand.initSegment(k));
            if (Files.exists(initFile)) {
                if (chunk.start() > 0) {
                    Map<Integer, Long> timescales = FragmentTimeShift.timescales(initFile);
                    for (MediaPlaylist.Segment s : part.segments()) {
                        FragmentTimeShift.shift(dir.resolve(s.uri()), timescales, chunk.start());
                    }
                }
                byte[] bytes = Files.readAllBytes(initFile);
                if (firstInit == null || Arrays.equals(firstInit, bytes)) {
                    if (firstInit == null) {
                        firstInit = bytes;
                        Files.move(initFile, dir.resolve("init.mp4"));
                    } else {
                        Files.delete(initFile);
                    }
                    init = "init.mp4";
                } else {
                    init = initFile.getFileName().toString();
                }
            }
            for (MediaPlaylist.Segment s : part.segments()) {
                segments.add(new MediaPlaylist.Segment(s.uri(), s.duration(), init));
            }
        }
        MediaPlaylist joined = new MediaPlaylist(segments);
        Files.writeString(dir.resolve(MEDIA), joined.render());
        return joined;
    }

    /** Measures the written segments and reads the rendition back for its real size and codec string. */
    private PipelineResult.HlsRendition describe(WorkDir work, String name, long targetBitrate, MediaPlaylist playlist)
            throws IOException, MediaException, InterruptedException {
        Path dir = work.resolve(name);
        double longest = playlist.segments().stream().mapToDouble(MediaPlaylist.Segment::duration).max().orElse(0);
        // a short tail segment is mostly keyframe and would overstate the peak
        double peakFloor = Math.min(1.0, longest);
        long bytes = 0;
        double peak = 0;
        for (MediaPlaylist.Segment s : playlist.segments()) {
            long size = Files.size(dir.resolve(s.uri()));
            bytes += size;
            if (s.duration() >= peakFloor && s.duration() > 0) {
                peak = Math.max(peak, size * 8 / s.duration());
            }
        }
        double total = playlist.totalDuration();
        long average = total > 0 ? Math.round(bytes * 8 / total) : 0;
        OutputProbe.Info info = outputProbe.inspect(dir.resolve(MEDIA));
        return new PipelineResult.HlsRendition(name, info.width(), info.height(), targetBitrate,
                Math.max(average, Math.round(peak)), average, info.codecs(), name + "/" + MEDIA, info.frameRate());
    }

    private PipelineResult.Mp4Output mp4(WorkDir work, String name, boolean remux)
            throws IOException, MediaException, InterruptedException {
        String file = name + ".mp4";
        if (remux) {
            ChildProcess.Result result = ChildProcess.run(List.of(binaries.ffmpeg().toString(), "-hide_banner",
                            "-nostdin", "-v", "error", "-y", "-i", name + "/" + MEDIA, "-map", "0", "-c", "copy",
                            "-movflags", "+faststart", file),
                    binaries.environment(), work.path(), null, REMUX_TIMEOUT);
            if (!result.ok()) {
                throw new MediaException("ffmpeg_failed", "ffmpeg failed writing " + file + ": " + result.stderrTail(), true);
            }
        }
        OutputProbe.Info info = outputProbe.inspect(work.resolve(file));
        return new PipelineResult.Mp4Output(file, Files.size(work.resolve(file)), info.width(), info.height(),
                info.bitrate() == null ? 0 : info.bitrate());
    }

    /** Runs independent read-back jobs at once; the first failure is rethrown as it was thrown. */
    private static <T> List<T> all(List<Callable<T>> jobs) throws MediaException, InterruptedException, IOException {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> job : jobs) {
                futures.add(executor.submit(job));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                try {
                    results.add(future.get());
                } catch (ExecutionException e) {
                    switch (e.getCause()) {
                        case MediaException media -> throw media;
                        case IOException io -> throw io;
                        case InterruptedException interrupted -> throw interrupted;
                        default -> throw new MediaException("ffmpeg_failed", "reading the outputs back failed: "
                                + e.getCause(), true, e.getCause());
                    }
                } catch (InterruptedException e) {
                    executor.shutdownNow();
                    throw e;
                }
            }
            return results;
        }
    }

    private static InputHashes awaitHashes(Future<InputHashes> hashes) throws MediaException, InterruptedException {
        try {
            return hashes.get();
        } catch (ExecutionException e) {
            throw new MediaException("io_error", "cannot read the input to hash it: " + e.getCause().getMessage(),
                    true, e.getCause());
        }
    }
}
