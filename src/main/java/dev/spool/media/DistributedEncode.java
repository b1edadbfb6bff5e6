package dev.spool.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A long input encoded by a {@link ChunkRunner}: each chunk's video (every rendition, forced keyframes on the
 * segment grid, thumbnails) is a job any worker may run; meanwhile this process encodes the audio once for the whole
 * input ({@link JoinAudio}), starting while the input still arrives. The jobs' MPEG-TS files come back here and one
 * copy pass joins them per rendition with that audio and writes the HLS outputs and MP4s exactly as a one-chunk encode
 * does, so the packager sees a single chunk.
 */
final class DistributedEncode {
    private static final Logger log = LoggerFactory.getLogger(DistributedEncode.class);

    private final FfmpegBinaries binaries;

    DistributedEncode(FfmpegBinaries binaries) {
        this.binaries = binaries;
    }

    /**
     * Only video renditions that MPEG-TS carries (H.264, HEVC) are joined this way; VP9 and audio-only inputs, and
     * inputs short enough for one chunk, are encoded in the pipeline's process.
     */
    static boolean applies(ChunkRunner runner, List<ChunkPlan.Chunk> chunks, List<Rendition> renditions) {
        return runner != null
                && chunks.size() > 1
                && !renditions.isEmpty()
                && renditions.stream().allMatch(r -> r.encoder() != TranscodeProfile.Encoder.VP9);
    }

    /**
     * Starts encoding the whole input's audio, read from {@code inputUrl}: the input's file, or its URL while it still
     * arrives (the audio reads it from the start, unlike the chunks, which seek into it), so it may be done before the
     * chunks begin.
     */
    JoinAudio startAudio(WorkDir work, EncodeCommand command, List<ChunkPlan.Chunk> chunks, String inputUrl) {
        var whole = whole(chunks);
        // the budget of an encode that reads its input as it arrives: the download may be the slower part
        var timeout = Duration.ofSeconds(600 + (long) (40 * whole.expected()));
        return new JoinAudio(command.buildAudio(whole, inputUrl).orElse(null), binaries, work, timeout);
    }

    /**
     * Has the chunks' video encoded by {@code runner}, waits for {@code audio} and joins both.
     *
     * @return the one chunk the joined outputs now form, for the packager
     */
    ChunkPlan.Chunk encode(
            WorkDir work,
            EncodeCommand command,
            List<ChunkPlan.Chunk> chunks,
            Set<String> mp4Names,
            ProgressTracker progress,
            double fps,
            ChunkRunner runner,
            Path input,
            String inputSha256,
            JoinAudio audio)
            throws MediaException, InterruptedException {
        List<String> directories = new ArrayList<>(command.outputNames());
        if (Files.isDirectory(work.resolve(EncodeCommand.THUMBNAILS))) {
            directories.add(EncodeCommand.THUMBNAILS);
        }
        List<ChunkRunner.Job> jobs = new ArrayList<>();
        for (ChunkPlan.Chunk chunk : chunks) {
            List<String> args = command.buildVideo(chunk, ChunkRunner.INPUT);
            jobs.add(new ChunkRunner.Job(
                    chunk.index(),
                    List.copyOf(args.subList(1, args.size())),
                    directories,
                    chunk.expected(),
                    fps,
                    600 + (long) (40 * chunk.expected())));
        }
        var whole = whole(chunks);
        long started = System.nanoTime();
        runner.run(input, inputSha256, work.path(), jobs, progress::chunk);
        long encoded = System.nanoTime();
        audio.await();
        long audioWaited = System.nanoTime();
        ChildProcess.Result joined = ChildProcess.run(
                command.buildJoin(chunks, whole, mp4Names),
                binaries.environment(),
                work.path(),
                null,
                Duration.ofSeconds(600 + (long) (4 * whole.expected())));
        if (!joined.ok()) {
            throw joined.failure("ffmpeg_failed", "joining the chunks");
        }
        // where a long input's time goes: the chunks run side by side across the cluster, the join after them alone
        log.info(
                "{} chunks shared, encoded and collected in {} ms, the audio encoded beside them ready {} ms later;"
                        + " joined in {} ms",
                chunks.size(),
                (encoded - started) / 1_000_000,
                (audioWaited - encoded) / 1_000_000,
                (System.nanoTime() - audioWaited) / 1_000_000);
        try {
            for (String name : command.outputNames()) {
                for (ChunkPlan.Chunk chunk : chunks) {
                    Files.deleteIfExists(work.resolve(EncodeCommand.chunkVideo(name, chunk.index())));
                }
            }
            Files.deleteIfExists(work.resolve(EncodeCommand.JOIN_AUDIO));
        } catch (IOException e) {
            throw new MediaException("io_error", "cannot remove the joined chunks: " + e.getMessage(), true, e);
        }
        return whole;
    }

    private static ChunkPlan.Chunk whole(List<ChunkPlan.Chunk> chunks) {
        return new ChunkPlan.Chunk(0, 0, null, 0, ChunkPlan.duration(chunks));
    }
}
