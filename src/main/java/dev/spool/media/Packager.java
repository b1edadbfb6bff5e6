package dev.spool.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Turns what the encoders left in the work directory into the published layout: one continuous
 * media playlist per rendition, measured bitrates and real codec strings, MP4s, the master
 * playlist and the thumbnail track.
 */
final class Packager {

    static final String MASTER = "index.m3u8";
    static final String MEDIA = "index.m3u8";
    private static final Duration REMUX_TIMEOUT = Duration.ofMinutes(30);

    /** @param thumbnailsVtt relative path of the thumbnail track, or null */
    record Packaged(
            List<PipelineResult.HlsRendition> renditions, List<PipelineResult.Mp4Output> mp4s, String thumbnailsVtt) {}

    private final FfmpegBinaries binaries;
    private final OutputProbe outputProbe;

    Packager(FfmpegBinaries binaries) {
        this.binaries = binaries;
        this.outputProbe = new OutputProbe(binaries);
    }

    /**
     * @param names    the HLS outputs in encoding order
     * @param mp4Names outputs that get an MP4; already written when there was one chunk, remuxed otherwise
     */
    Packaged pack(
            WorkDir work,
            List<String> names,
            List<Rendition> renditions,
            List<ChunkPlan.Chunk> chunks,
            Set<String> mp4Names)
            throws IOException, MediaException, InterruptedException {
        List<MediaPlaylist> playlists = new ArrayList<>();
        for (String name : names) {
            playlists.add(join(work, name, chunks));
        }
        // reading back is one short ffprobe (or remux) per output: run them side by side
        List<Callable<PipelineResult.HlsRendition>> describeJobs = new ArrayList<>();
        List<Callable<PipelineResult.Mp4Output>> mp4Jobs = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            long bitrate = renditions.isEmpty()
                    ? EncodeCommand.AUDIO_ONLY_BITRATE
                    : renditions.get(i).bitrate();
            MediaPlaylist playlist = playlists.get(i);
            describeJobs.add(() -> describe(work, name, bitrate, playlist));
            if (mp4Names.contains(name)) {
                mp4Jobs.add(() -> mp4(work, name, chunks.size() > 1));
            }
        }
        List<PipelineResult.HlsRendition> described;
        List<PipelineResult.Mp4Output> mp4s;
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<PipelineResult.HlsRendition>> describing = started(executor, describeJobs);
            List<Future<PipelineResult.Mp4Output>> reading = started(executor, mp4Jobs);
            described = results(executor, describing);
            mp4s = results(executor, reading);
        }
        List<PipelineResult.HlsRendition> ordered = MasterPlaylist.order(described);
        Files.writeString(work.resolve(MASTER), MasterPlaylist.render(ordered));
        String vtt = null;
        Path thumbnailDir = work.resolve(EncodeCommand.THUMBNAILS);
        if (Files.isDirectory(thumbnailDir)) {
            vtt = EncodeCommand.THUMBNAILS + "/" + ThumbnailTrack.FILE;
            List<Double> durations = playlists.get(0).segments().stream()
                    .map(MediaPlaylist.Segment::duration)
                    .toList();
            Files.writeString(work.resolve(vtt), ThumbnailTrack.render(durations, thumbnailDir));
        }
        return new Packaged(ordered, mp4s, vtt);
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
        double longest = 0;
        for (MediaPlaylist.Segment s : playlist.segments()) {
            longest = Math.max(longest, s.duration());
        }
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
        return new PipelineResult.HlsRendition(
                name,
                info.width(),
                info.height(),
                targetBitrate,
                Math.max(average, Math.round(peak)),
                average,
                info.codecs(),
                name + "/" + MEDIA,
                info.frameRate());
    }

    private PipelineResult.Mp4Output mp4(WorkDir work, String name, boolean remux)
            throws IOException, MediaException, InterruptedException {
        String file = name + ".mp4";
        if (remux) {
            ChildProcess.Result result = ChildProcess.run(
                    List.of(
                            binaries.ffmpeg().toString(),
                            "-hide_banner",
                            "-nostdin",
                            "-v",
                            "error",
                            "-y",
                            "-i",
                            name + "/" + MEDIA,
                            "-map",
                            "0",
                            "-c",
                            "copy",
                            "-movflags",
                            "+faststart",
                            file),
                    binaries.environment(),
                    work.path(),
                    null,
                    REMUX_TIMEOUT);
            if (!result.ok()) {
                throw new MediaException(
                        "ffmpeg_failed", "ffmpeg failed writing " + file + ": " + result.stderrTail(), true);
            }
        }
        OutputProbe.Info info = outputProbe.inspect(work.resolve(file));
        return new PipelineResult.Mp4Output(
                file,
                Files.size(work.resolve(file)),
                info.width(),
                info.height(),
                info.bitrate() == null ? 0 : info.bitrate());
    }

    private static <T> List<Future<T>> started(ExecutorService executor, List<Callable<T>> jobs) {
        return jobs.stream().map(executor::submit).toList();
    }

    /** The read-back jobs' results in order; the first failure stops the rest and is rethrown as it was thrown. */
    private static <T> List<T> results(ExecutorService executor, List<Future<T>> futures)
            throws MediaException, InterruptedException, IOException {
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            try {
                results.add(future.get());
            } catch (ExecutionException e) {
                executor.shutdownNow();
                switch (e.getCause()) {
                    case MediaException media -> throw media;
                    case IOException io -> throw io;
                    case InterruptedException interrupted -> throw interrupted;
                    default ->
                        throw new MediaException(
                                "ffmpeg_failed",
                                "reading the outputs back failed: " + e.getCause(),
                                true,
                                e.getCause());
                }
            } catch (InterruptedException e) {
                executor.shutdownNow();
                throw e;
            }
        }
        return results;
    }
}
