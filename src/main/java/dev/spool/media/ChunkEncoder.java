package dev.spool.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleConsumer;

/**
 * Runs one {@link ChunkRunner.Job} on this machine: the chunk's ffmpeg, reading the source from a local path or from a
 * URL that serves ranges, so that only the chunk's part is read.
 */
public final class ChunkEncoder {
    private final FfmpegBinaries binaries;

    public ChunkEncoder(FfmpegBinaries binaries) {
        this.binaries = binaries;
    }

    /**
     * Writes the chunk's files into {@code dir}, reading the source from a local file; interrupting the caller kills
     * ffmpeg.
     *
     * @param progress the chunk's progress in [0, 1]
     * @throws MediaException retriable when ffmpeg fails
     */
    public void encode(ChunkRunner.Job job, Path input, Path dir, DoubleConsumer progress)
            throws MediaException, InterruptedException {
        encode(job, Prober.fileUrl(input), dir, progress);
    }

    /**
     * As {@link #encode(ChunkRunner.Job, Path, Path, DoubleConsumer)}, reading the source from {@code url}, which
     * answers range requests.
     */
    public void encode(ChunkRunner.Job job, String url, Path dir, DoubleConsumer progress)
            throws MediaException, InterruptedException {
        List<String> args = new ArrayList<>();
        args.add(binaries.ffmpeg().toString());
        for (String arg : job.args()) {
            if (arg.equals(ChunkRunner.INPUT)) {
                args.add(url);
            } else {
                args.add(binaries.zimgResize() ? arg : EncodeCommand.withoutZimg(arg));
            }
        }
        try {
            for (String directory : job.directories()) {
                Files.createDirectories(dir.resolve(directory).normalize());
            }
        } catch (IOException e) {
            throw new MediaException("io_error", "cannot create the chunk's directories: " + e.getMessage(), true, e);
        }
        ChildProcess.Result result = ChildProcess.run(
                args,
                binaries.environment(),
                dir,
                new FfmpegProgress(job.expected(), job.fps(), progress::accept),
                Duration.ofSeconds(job.timeoutSeconds()));
        if (!result.ok()) {
            throw result.failure("ffmpeg_failed", "encoding chunk " + job.index());
        }
        progress.accept(1);
    }
}
