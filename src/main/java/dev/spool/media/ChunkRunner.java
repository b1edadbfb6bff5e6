package dev.spool.media;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a long input's chunks are encoded when they are not encoded inside the pipeline's own process: as units of
 * work that any worker of a cluster may run ({@link ChunkEncoder} runs one). The pipeline plans the chunks, the
 * runner has each {@link Job} run somewhere and brings the files it wrote back, and the pipeline joins them.
 */
public interface ChunkRunner {
    /** Stands for the source's URL in a job's arguments: each worker reads the source from where it has it. */
    String INPUT = "{input}";

    /**
     * One chunk's encode.
     *
     * @param args        ffmpeg's arguments after the program, {@link #INPUT} standing for the source
     * @param directories the directories the command writes into, relative to the directory it runs in
     * @param expected    the chunk's duration, seconds, for progress
     * @param fps         the output frame rate ffmpeg's frame counter follows, for progress (0 if unknown)
     * @param timeoutSeconds how long the encode may take at most
     */
    record Job(
            int index, List<String> args, List<String> directories, double expected, double fps, long timeoutSeconds) {}

    /** A chunk's own progress in [0, 1]. */
    @FunctionalInterface
    interface Progress {
        void chunk(int index, double fraction);
    }

    /**
     * Runs every job and leaves the files each wrote in {@code work}, under the same relative paths; returns once all
     * are there.
     *
     * @param input the source file, as this process has it
     * @param inputSha256 the source's SHA-256, hex: a job that an earlier attempt of the same task finished on the
     *     same bytes need not run again
     * @throws MediaException       when a chunk failed for good
     * @throws InterruptedException when the caller was interrupted; the chunks are stopped first
     */
    void run(Path input, String inputSha256, Path work, List<Job> jobs, Progress progress)
            throws MediaException, InterruptedException;
}
