package dev.spool.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleConsumer;

/** Runs one {@link ChunkRunner.Job} on this machine: the chunk's ffmpeg, reading the source at a local path. */
public final class ChunkEncoder {
    private final FfmpegBinaries binaries;

    public ChunkEncoder(FfmpegBinaries binaries) {
        this.binaries = binaries;
    }

    /**
     * Writes the chunk's files into {@code dir}; interrupting the caller kills ffmpeg.
     *
     * @param progress the chunk's progress in [0, 1]
     * @throws MediaException retriable when ffmpeg fails
     */
    public void encode(ChunkRunner.Job job, Path input, Path dir, DoubleConsumer progress)
            throws MediaException, InterruptedException {
        List<String> args = new ArrayList<>();
        args.add(binaries.ffmpeg().toString());
        for (String arg : job.args()) {
            args.add(arg.equals(ChunkRunner.INPUT) ? Prober.fileUrl(input) : arg);
        }
        try {
            for (String directory : job.directories()) {
                Files.createDirectories(dir.resolve(directory).normalize());
            }
        } catch (IOException e) {
            throw new MediaException("io_error", "cannot create the chunk's directories: " + e.getMessage(), true, e);
        }
        var parser = new FfmpegProgress(job.expected(), job.fps(), progress::accept);
        ChildProcess.Result result =
                ChildProcess.run(args, binaries.environment(), dir, parser, Duration.ofSeconds(job.timeoutSeconds()));
        if (!result.ok()) {
            throw new MediaException(
                    "ffmpeg_failed",
                    "ffmpeg failed (exit " + result.exitCode() + ") encoding chunk " + job.index() + ": "
                            + result.stderrTail(),
                    true);
        }
        progress.accept(1);
    }
}
