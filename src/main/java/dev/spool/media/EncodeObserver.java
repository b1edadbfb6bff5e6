package dev.spool.media;

import java.time.Duration;

/** Learns of every pipeline run that produced its outputs, and how long it took from probe to published files. */
public interface EncodeObserver {
    EncodeObserver NONE = (result, wall) -> {};

    void finished(PipelineResult result, Duration wall);
}
