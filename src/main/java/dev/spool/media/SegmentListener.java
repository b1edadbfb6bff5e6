package dev.spool.media;

import java.nio.file.Path;

/**
 * Told about each media segment as soon as ffmpeg has finished it, while the encode goes on, so a caller can
 * publish segments in parallel with the encode. A segment reported here is final: the pipeline never changes it
 * again and lists it in {@link PipelineResult#files()} under the same name.
 */
@FunctionalInterface
public interface SegmentListener {

    SegmentListener NONE = (file, path) -> {};

    /**
     * Runs on the pipeline's watcher thread, one segment at a time; a failure is logged and the segment is left
     * for the caller's final pass.
     *
     * @param file the segment's name relative to the output directory, as {@link PipelineResult#files()} lists it
     * @param path where the segment is now; valid only until this returns
     */
    void written(String file, Path path) throws Exception;
}
