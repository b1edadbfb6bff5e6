package dev.spool.media;

/** Receives the pipeline's progress in [0, 1]: never decreasing, at most every 500 ms, 1.0 at the end. */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = fraction -> {};

    void progress(double fraction);
}
